"""GraphQL surface of ingest (`resolvers`: the root fields; `types`: what they return and take).

`submitMeasurements` is the playground's way in: its typed input is re-encoded to the
wire format and goes through exactly the service the REST route uses (bulk clients use
REST: typed GraphQL input costs about 33 µs per item).
"""

from app.graphql.ingest.resolvers import IngestMutation, IngestQuery

__all__ = ["IngestMutation", "IngestQuery"]
