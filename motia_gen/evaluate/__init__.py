"""IR → values: the closed static evaluator (`evaluator`) over names resolved across the app's modules
(`symbols`), producing `values`; `pydantic/` translates pydantic model classes to JSON Schema statically."""
