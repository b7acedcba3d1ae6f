"""Reads: every query that fetches data for a view or a service."""
