from motia import Stream

# Who is online per room; items are free-form JSON (no schema).
presence = Stream("presence")
