"""arq workers: job functions and the worker settings."""
