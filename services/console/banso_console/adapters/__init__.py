"""The console's I/O: its own user and session store, and one client per service API."""
