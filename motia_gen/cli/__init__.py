"""The command line, the only package that parses flags, prints and writes files. `main` assembles the
`motia` command; one module per command family; `output` is how every generating command ends. Light to
import: `motia start` loads `start` and `options` without the rest of the compiler."""
