"""Checked app → artifacts, each generator returning {relative path: contents} and writing nothing:
`dispatch/`, `openapi/`, `types/`, `diagram`, and `build` (all of them, for `motia build`). Generated
Python is printed by `pysource`; templates (`jinja`) only lay out precomputed views."""
