from motia import queue

config = {"name": "SupabaseSync", "triggers": [queue("like:supabase-sync")], "enqueues": []}  # expect: MG232


async def handler(input, ctx):
    pass
