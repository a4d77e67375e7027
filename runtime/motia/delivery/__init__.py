"""Delivery: the at-least-once queue (`engine`: enqueue, subscribers, dead letters; `consumer`: leases,
retries with backoff, FIFO groups, concurrency) and the state and stream change triggers that ride on it
(`changes`, with their inputs in `inputs`)."""
