"""Agno agents and teams for the in-process readiness tests (imported by spec: ``tests.agents.basic:agent``)."""
