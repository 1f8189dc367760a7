"""Bansō console: the screens people work in, backed only by the services' public APIs."""
