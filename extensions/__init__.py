"""Decision logic, layout map and dependency versions of copier-python-patterns."""
