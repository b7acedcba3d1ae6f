"""Integration tests: the HTTP API through Django's test clients."""
