"""Business logic that writes: services validate, then change the database."""
