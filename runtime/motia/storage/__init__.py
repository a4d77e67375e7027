"""Storage: the `Backend` protocol every store implements (`backend`), its implementations (`memory` for
tests, `sqlite`, the durable default) and what they share (`update`: atomic update ops; `jsonvalue`: the
JSON-only rule for stored values)."""
