"""Cross-cutting infrastructure: configuration, logging, errors, security, database and HTTP."""
