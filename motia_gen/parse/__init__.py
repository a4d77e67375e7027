"""Source → IR, nothing evaluated: `module` parses one file with libcst into `ir` (bindings, calls, handler
bodies via `bodies` and `expressions`); `project` loads the app's modules by name and path and tracks what
each definition file read; `cache` keeps parse results and per-file results between runs."""
