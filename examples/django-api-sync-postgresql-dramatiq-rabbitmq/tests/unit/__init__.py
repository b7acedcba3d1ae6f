"""Unit tests: services, selectors and settings."""
