"""Cross-cutting infrastructure: errors, logging, security and outbound HTTP."""
