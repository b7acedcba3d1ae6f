"""HTTP endpoints: parse the request, call a service or selector, shape the response."""
