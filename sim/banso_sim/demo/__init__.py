"""`banso-sim demo` (what `make demo` ends in): the whole customer journey and its report."""
