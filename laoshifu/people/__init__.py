"""People: accounts and roles, login sessions and throttling, and who may do what."""
