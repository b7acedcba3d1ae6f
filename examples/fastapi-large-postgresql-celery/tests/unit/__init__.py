"""Unit tests: services and repositories against a real database session."""
