"""Staff accounts, roles, passwords, sessions and API tokens."""
