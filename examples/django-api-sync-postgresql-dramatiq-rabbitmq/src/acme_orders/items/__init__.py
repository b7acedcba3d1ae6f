"""The items feature: an example resource with full CRUD."""
