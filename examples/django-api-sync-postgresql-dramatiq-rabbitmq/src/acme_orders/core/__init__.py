"""Cross-cutting infrastructure: errors, logging, metrics, security and outbound HTTP."""
