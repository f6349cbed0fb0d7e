"""Response models, one module per resource: what every 2xx answer of the API holds (see docs/architecture.md)."""
