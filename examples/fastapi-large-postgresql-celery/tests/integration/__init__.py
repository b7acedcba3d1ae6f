"""Integration tests: the HTTP API through the ASGI app."""
