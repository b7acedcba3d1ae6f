"""Infrastructure: configuration, logging, errors, security, database, metrics and HTTP."""
