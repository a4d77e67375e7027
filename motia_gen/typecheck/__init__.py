"""`motia typecheck`: mypy `--strict` over the step files, each handler checked against its step's types."""
