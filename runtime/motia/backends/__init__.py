"""Backend implementations: `memory` (for tests) and `sqlite` (the default, durable in one file).

The interface they implement is `motia.backend.Backend`.
"""
