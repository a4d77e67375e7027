from motia import Stream, StreamConfig


def can_join(subscription, ctx, auth):
    return True


chat = Stream(StreamConfig(name="chat", description="Chat rooms", on_join=can_join))
presence = Stream("presence")
