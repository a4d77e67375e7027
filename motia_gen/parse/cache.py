"""Compile cache under the app's `.motia/` folder, keyed by file content.

Two layers, so that a re-run after editing one file does the work of that file only:

- **modules**: each parsed file's IR, keyed by path and kept while the file has the same content;
- **units**: what reading one step or stream file produced (its steps, streams and diagnostics) together
  with every input it depended on: the content digest of each file it read and the file each module name
  it looked up resolved to. A unit is reused only when all of those are unchanged.

Entries are stored as pickled blobs inside one pickle file: loading it costs little, only the entries a
run needs are unpickled, and unchanged entries are written back as the same bytes. Entries whose file
changed or disappeared are dropped on save, so the cache never grows beyond the app. Everything is loaded
through a restricted unpickler that knows only the compiler's own data classes, and a cache that cannot
be read is ignored: it only ever saves time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Mapping, Set
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from motia_gen.parse import ir
from motia_gen.version import __version__

# Bump when the file layout changes; the compiler's own source is part of every cache's context anyway.
_FORMAT = 2

# Everything a cached result can depend on besides the app's files: a changed compiler never reads an
# older compiler's output.
_COMPILER_FINGERPRINT = hashlib.sha256(
    b"".join(p.read_bytes() for p in sorted(Path(__file__).parents[1].rglob("*.py")))
).hexdigest()[:16]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class UnitInputs(Protocol):
    """What the cache needs of a unit record (the front end's `UnitRecord`): the definition file it is the
    result of, and every input it depended on."""

    @property
    def path(self) -> str: ...
    @property
    def files(
        self,
    ) -> tuple[tuple[str, str], ...]: ...  # (root-relative path, content digest; "" if unreadable)
    @property
    def names(self) -> tuple[tuple[str, str | None], ...]: ...  # module name looked up → the file it found


U = TypeVar("U")


_MAX_SCHEMAS = 20_000  # digests of valid schema texts kept (64 characters each)

ModuleKey = tuple[str, bool]  # (path, handler bodies read)


class CompileCache(Generic[U]):
    """`unit_type`: the class of unit records, checked on load (a cache is only ever read back by the front
    end that wrote it)."""

    def __init__(self, file: Path | None, context: str, unit_type: type[U]) -> None:
        self.file = file
        self.unit_type = unit_type
        self.context = f"{_FORMAT}|{__version__}|{_COMPILER_FINGERPRINT}|{context}"
        self._modules: dict[ModuleKey, tuple[str, bytes | ir.ModuleIR]] = {}
        self._units: dict[str, bytes | U] = {}
        self.valid_schemas: frozenset[str] = frozenset()  # see `motia_gen.check.schemas.remember_valid`
        self._dirty = False
        if file is not None:
            self._modules, units, self.valid_schemas = _read(file, self.context)
            self._units = dict(units)

    @classmethod
    def disabled(cls, unit_type: type[U]) -> CompileCache[U]:
        """A cache for one run only: it holds results in memory and never reads or writes a file."""
        return cls(None, "", unit_type)

    @classmethod
    def for_app(cls, root: Path, context: str, unit_type: type[U]) -> CompileCache[U]:
        """`context`: the settings that change how files are read (source roots), as a string."""
        return cls(root / ".motia" / "cache" / f"compile-{_FORMAT}.pickle", context, unit_type)

    # -- parsed modules ----------------------------------------------------------------------------------
    def module(self, path: str, content: str, bodies: bool) -> ir.ModuleIR | None:
        found = self._modules.get((path, bodies))
        if found is None or found[0] != content:
            return None
        stored = found[1]
        if isinstance(stored, bytes):
            loaded = _loads(stored)
            if not isinstance(loaded, ir.ModuleIR):
                return None
            stored = loaded
        return stored

    def store_module(self, path: str, content: str, bodies: bool, parsed: ir.ModuleIR | bytes) -> None:
        """Keep a parse result, as the module or as its pickle (what a worker process sends back)."""
        self._modules[(path, bodies)] = (content, parsed)
        self._dirty = True

    # -- units -------------------------------------------------------------------------------------------
    def unit(self, path: str) -> U | None:
        stored = self._units.get(path)
        if isinstance(stored, bytes):
            loaded = _loads(stored)
            return (
                loaded
                if isinstance(loaded, self.unit_type) and getattr(loaded, "path", None) == path
                else None
            )
        return stored

    def store_unit(self, path: str, record: U) -> None:
        self._units[path] = record
        self._dirty = True

    # -- saving ------------------------------------------------------------------------------------------
    def save(
        self, contents: Mapping[str, str], units: Set[str], valid_schemas: Set[str] = frozenset()
    ) -> None:
        """Write the cache atomically, keeping modules whose file still has the content seen in this run
        (`contents`: path → digest) and the units of the definition files in `units`; `valid_schemas`:
        digests of the schema texts known to pass meta-validation."""
        if self.file is None:
            return
        modules = {key: entry for key, entry in self._modules.items() if contents.get(key[0]) == entry[0]}
        kept_units = {path: entry for path, entry in self._units.items() if path in units}
        schemas = self.valid_schemas | valid_schemas
        if len(schemas) > _MAX_SCHEMAS:  # never pruned one by one: a long-lived cache starts over
            schemas = frozenset(valid_schemas)
        unchanged = len(modules) == len(self._modules) and len(kept_units) == len(self._units)
        if not self._dirty and unchanged and schemas == self.valid_schemas:
            return
        payload = {
            "context": self.context,
            "schemas": sorted(schemas),
            "modules": {key: (content, _blob(value)) for key, (content, value) in modules.items()},
            "units": {path: _blob(value) for path, value in kept_units.items()},
        }
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.file.parent, prefix=".compile-")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.file)
        except OSError:
            return  # a read-only checkout still compiles, only slower


def dumps(value: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    """Pickles the compiler's frozen dataclasses as constructor calls.

    By default such an object is rebuilt through `__setstate__`, which looks up the class's fields for
    every object; calling the class with the field values loads a cache about a third faster.
    """

    def reducer_override(self, obj: Any) -> Any:
        if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
            return NotImplemented
        fields = _init_fields(type(obj))
        if fields is None:
            return NotImplemented
        return type(obj), tuple(getattr(obj, name) for name in fields)


_INIT_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _init_fields(cls: Any) -> tuple[str, ...] | None:
    """Field names, for dataclasses that can be rebuilt by calling them (every field an `__init__`
    argument, in order, and no `__post_init__`); None for other dataclasses."""
    if cls not in _INIT_FIELDS:
        fields = dataclasses.fields(cls)
        rebuildable = not hasattr(cls, "__post_init__") and all(f.init and not f.kw_only for f in fields)
        _INIT_FIELDS[cls] = tuple(f.name for f in fields) if rebuildable else None
    return _INIT_FIELDS[cls]


def _blob(value: object) -> bytes:
    return value if isinstance(value, bytes) else dumps(value)


class _RestrictedUnpickler(pickle.Unpickler):
    """Loads only the compiler's own data classes: a tampered cache file cannot make the compiler run code."""

    _ALLOWED_MODULES = frozenset(
        {"motia_gen.parse.ir", "motia_gen.diagnostics.data", "motia_gen.model", "motia_gen.frontend"}
    )

    # Every allowed class looked up so far: a load looks classes up thousands of times.
    _FOUND: ClassVar[dict[tuple[str, str], type]] = {}

    def find_class(self, module: str, name: str) -> type:
        known = self._FOUND.get((module, name))
        if known is not None:
            return known
        if module in self._ALLOWED_MODULES or (module == "builtins" and name in ("frozenset", "set")):
            found = super().find_class(module, name)
            if isinstance(found, type):
                self._FOUND[(module, name)] = found
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the cache format")


_LOAD_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    TypeError,
    ValueError,
    KeyError,
)


def _loads(data: bytes) -> Any:
    try:
        return _RestrictedUnpickler(io.BytesIO(data)).load()
    except _LOAD_ERRORS:
        return None


def _read(
    file: Path, context: str
) -> tuple[dict[ModuleKey, tuple[str, bytes | ir.ModuleIR]], dict[str, bytes], frozenset[str]]:
    try:
        loaded = _loads(file.read_bytes())
    except OSError:
        loaded = None
    if not isinstance(loaded, dict) or loaded.get("context") != context:
        return {}, {}, frozenset()
    modules, units, schemas = loaded.get("modules"), loaded.get("units"), loaded.get("schemas")
    if not isinstance(modules, dict) or not isinstance(units, dict):
        return {}, {}, frozenset()
    return (
        {k: v for k, v in modules.items() if _is_module_entry(k, v)},
        {k: v for k, v in units.items() if isinstance(k, str) and isinstance(v, bytes)},
        frozenset(s for s in schemas if isinstance(s, str)) if isinstance(schemas, list) else frozenset(),
    )


def _is_module_entry(key: object, value: object) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and isinstance(key[0], str)
        and isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], bytes)
    )
