"""Pure decisions of the console: who may do what, which language, what a page shows."""
