"""GraphQL surface of the pricing catalog."""
