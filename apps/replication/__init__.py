"""Read replicas: a database router, and read-your-writes by WAL position (docs/architecture.md)."""
