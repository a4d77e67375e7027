"""Streams: live data pushed to clients. `handle` holds what step files declare and use (`StreamConfig`,
module-level `Stream("name")` handles); `store` keeps items in the backend and fans changes out; `socket`
serves them over WebSocket in Motia's protocol (join/leave in; sync/create/update/delete/event out)."""

from motia.streams.handle import Stream, StreamConfig

__all__ = ["Stream", "StreamConfig"]
