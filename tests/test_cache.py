from __future__ import annotations

import pickle
from pathlib import Path

from motia_gen.cache import ParseCache
from motia_gen.parse import ir
from motia_gen.project import parse_bytes

SOURCE = b"config = {'type': 'cron', 'name': 'A', 'cron': '* * * * *', 'emits': []}\n"


def test_entries_round_trip_and_unused_ones_are_dropped(tmp_path: Path) -> None:
    cache = ParseCache.for_app(tmp_path)
    calls: list[str] = []

    def parse(relative: str, name: str | None, data: bytes, bodies: bool) -> ir.ModuleIR:
        calls.append(relative)
        return parse_bytes(relative, name, data, bodies)

    first = cache.get_or_parse("steps/a_step.py", "steps.a_step", SOURCE, True, parse)
    cache.get_or_parse("steps/b_step.py", "steps.b_step", SOURCE, True, parse)
    cache.save()
    again = ParseCache.for_app(tmp_path)
    assert again.get_or_parse("steps/a_step.py", "steps.a_step", SOURCE, True, parse) == first
    assert calls == ["steps/a_step.py", "steps/b_step.py"]
    again.save()  # b was not used in this run
    assert len(pickle.loads(ParseCache.for_app(tmp_path).file.read_bytes())) == 1  # type: ignore[union-attr]


def test_changed_content_misses(tmp_path: Path) -> None:
    cache = ParseCache.for_app(tmp_path)
    key = cache.key("a.py", None, SOURCE, False)
    assert key != cache.key("a.py", None, SOURCE + b"\n", False)
    assert key != cache.key("a.py", None, SOURCE, True)


def test_corrupt_or_tampered_cache_is_ignored(tmp_path: Path) -> None:
    cache = ParseCache.for_app(tmp_path)
    assert cache.file is not None
    cache.file.parent.mkdir(parents=True)
    cache.file.write_bytes(b"not a pickle")
    assert ParseCache.for_app(tmp_path).lookup("x") is None

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("ran",))

    cache.file.write_bytes(pickle.dumps({"k": Exploit()}))
    assert ParseCache.for_app(tmp_path).lookup("k") is None
