"""Talking to a running Bansō: workspaces and keys, readiness, catch-up, and reading the APIs."""
