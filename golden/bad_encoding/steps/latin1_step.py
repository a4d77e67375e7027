config = {"type": "cron", "name": "Café", "cron": "* * * * *", "emits": []}
