"""A module that fails at import, as a user's module does when its configuration is missing."""

raise RuntimeError("DATABASE_URL is not set\nsecond line that must not reach the user")
