"""agno-check: production-readiness checks and load tests for Agno agents."""

__version__ = "0.1.0"
