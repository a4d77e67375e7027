"""The project-level hook the setting means to name (it misspells it)."""


async def authenticate(input, ctx):
    return input.headers.get("authorization") == "secret"
