"""The security checks: one module per check id."""
