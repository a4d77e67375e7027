"""Parse cache under the app's `.motia/` folder, keyed by file content.

Parsing dominates a compile, and between two runs most files are unchanged, so parsed modules are kept
as one pickle: entries are keyed by the SHA-256 of the file's bytes plus everything else the parse
depends on (path, module name, whether bodies were read, the compiler's version). Entries not used in a
run are dropped when the cache is saved, so it never grows beyond the app. A cache that cannot be read
is ignored: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

from motia_gen.parse import ir
from motia_gen.version import __version__

# The parser's own source is part of every key: a changed parser never reads an older parser's output.
_PARSER_FINGERPRINT = hashlib.sha256(
    b"".join(p.read_bytes() for p in sorted(Path(ir.__file__).parent.glob("*.py")))
).hexdigest()[:16]

Parser = Callable[[str, str | None, bytes, bool], ir.ModuleIR]

# Bump when the IR changes shape: old pickles are then ignored rather than misread.
_FORMAT = 1


class ParseCache:
    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._entries: dict[str, ir.ModuleIR] = {}
        self._used: dict[str, ir.ModuleIR] = {}
        self._dirty = False
        if file is not None:
            self._entries = _read(file)

    @classmethod
    def disabled(cls) -> ParseCache:
        return cls(None)

    @classmethod
    def for_app(cls, root: Path) -> ParseCache:
        return cls(root / ".motia" / "cache" / f"parse-{_FORMAT}.pickle")

    @staticmethod
    def key(relative: str, name: str | None, data: bytes, bodies: bool) -> str:
        digest = hashlib.sha256(data).hexdigest()
        return f"{__version__}|{_PARSER_FINGERPRINT}|{relative}|{name}|{int(bodies)}|{digest}"

    def lookup(self, key: str) -> ir.ModuleIR | None:
        found = self._entries.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def store(self, key: str, parsed: ir.ModuleIR) -> None:
        self._used[key] = parsed
        self._dirty = True

    def get_or_parse(
        self, relative: str, name: str | None, data: bytes, bodies: bool, parse: Parser
    ) -> ir.ModuleIR:
        key = self.key(relative, name, data, bodies)
        found = self.lookup(key)
        if found is None:
            found = parse(relative, name, data, bodies)
            self.store(key, found)
        return found

    def save(self) -> None:
        """Write the entries used in this run (atomically); a no-op when nothing changed."""
        if self.file is None or not (self._dirty or len(self._used) != len(self._entries)):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.file.parent, prefix=".parse-")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(self._used, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.file)
        except OSError:
            return  # a read-only checkout still compiles, only slower


class _IRUnpickler(pickle.Unpickler):
    """Loads only the IR's own classes: a tampered cache file cannot make the compiler run code."""

    _ALLOWED_MODULES = frozenset({"motia_gen.parse.ir", "motia_gen.diagnostics"})

    def find_class(self, module: str, name: str) -> type:
        if module in self._ALLOWED_MODULES or (module == "builtins" and name in ("frozenset", "set")):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the parse cache format")


def _read(file: Path) -> dict[str, ir.ModuleIR]:
    try:
        with file.open("rb") as handle:
            loaded = _IRUnpickler(handle).load()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
