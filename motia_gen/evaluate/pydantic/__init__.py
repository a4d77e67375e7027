"""Pydantic models read statically: field annotations (`types`) and defaults and constraints (`values`)
become the JSON Schema pydantic itself would produce (`schema`)."""
