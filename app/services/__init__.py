"""Use cases shared by GraphQL, the plain HTTP routes and the workers.

A service validates all of its input first (collecting every problem with its path),
then writes in one transaction, then enqueues or publishes after commit.
"""
