"""TypeScript and JavaScript step files, read statically: tree-sitter parses them (`syntax`), and a small
closed evaluator (`literals`) turns their `export const config = {...}` into the same values the Python
readers make (`motia_gen.evaluate.values`), so the model reads a TS config as it reads a Python one. No
Node, and no code of theirs runs."""
