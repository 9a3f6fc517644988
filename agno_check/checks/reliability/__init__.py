"""The reliability checks: one module per check id."""
