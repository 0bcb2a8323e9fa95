"""Plain HTTP routes: token endpoint, measurement ingest, health, GraphiQL."""
