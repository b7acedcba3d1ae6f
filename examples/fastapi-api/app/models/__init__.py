"""SQLAlchemy models."""
