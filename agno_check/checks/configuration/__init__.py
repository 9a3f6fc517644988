"""The configuration checks: one module per check id."""
