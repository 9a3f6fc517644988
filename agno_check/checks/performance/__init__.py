"""The performance checks: one module per check id."""
