"""Data access. The only layer that builds queries."""
