"""Business logic. Services call repositories, never the HTTP layer."""
