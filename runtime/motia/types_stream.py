"""The stream types under Motia 1.x's module name (`from motia.types_stream import StreamConfig`)."""

from motia.streams.handle import StreamConfig
from motia.streams.protocol import StreamAuthInput, StreamAuthResult, StreamSubscription

__all__ = ["StreamAuthInput", "StreamAuthResult", "StreamConfig", "StreamSubscription"]
