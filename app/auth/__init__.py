"""Authentication and authorization: tokens, secrets, passwords, permission policies."""
