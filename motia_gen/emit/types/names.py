"""Python identifiers from step names, topics and stream names: valid, deterministic, unique.

`pet.created` → `PetCreated` / `pet_created`; `my-step` → `MyStep`; non-ASCII letters are folded to
ASCII where they have a plain form (`Café` → `Cafe`) and dropped otherwise; a leading digit gets a prefix;
keywords and soft keywords get a trailing underscore; clashes get numbered in the order given.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORDS.findall(ascii_text)


def pascal(text: str) -> str:
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or f"U{_codepoints(text)}"
    return _safe(name, "T")


def snake(text: str) -> str:
    name = "_".join(w.lower() for w in words(text)) or f"u{_codepoints(text)}"
    return _safe(name, "n")


def _codepoints(text: str) -> str:
    """A stable stand-in for a name with no ASCII letters or digits at all (`日本` → `65e5_672c`)."""
    return "_".join(f"{ord(c):x}" for c in text[:8]) or "nothing"


def _safe(name: str, prefix: str) -> str:
    if name[0].isdigit():
        name = f"{prefix}{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def unique(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """The names in order, the second and later uses of one numbered (`Order`, `Order2`, …)."""
    used = set(taken)
    out: list[str] = []
    for name in names:
        candidate, number = name, 2
        while candidate in used:
            candidate, number = f"{name}{number}", number + 1
        used.add(candidate)
        out.append(candidate)
    return out


def is_attribute(name: str) -> bool:
    """Whether `streams.<name>` can be written in Python."""
    return name.isidentifier() and not keyword.iskeyword(name)
