"""HTTP: the Starlette app that serves routes, `/emit` and the stream socket (`app`), the request and
response wire formats (`wire`), CORS (`cors`), handler timeouts (`watchdog`) and the server entry
(`serve`: load a built app's dispatch module and run it under uvicorn)."""
