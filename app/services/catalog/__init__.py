"""Use cases of the pricing catalog (SEMANTICS §3–4)."""
