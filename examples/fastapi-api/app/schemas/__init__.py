"""Pydantic schemas for requests and responses."""
