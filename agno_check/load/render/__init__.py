"""Renderers of the load report: each a pure function of ``LoadReport`` (only ``terminal`` imports rich)."""
