"""Cron: when each cron trigger fires, and the scheduler that runs them. (The module is not called
`motia.cron`: that name is the trigger helper step files import, and a submodule would shadow it.)

Expressions are the dialects the compiler accepts: 5 fields (minute first), 6 fields (seconds first), 7
fields (seconds first and a trailing year), or a macro (`@hourly`, `@daily`, ...). Fields are evaluated by
cronsim; the macros and the year field, which cronsim does not know, are handled here.

Fire times are computed in the scheduler's timezone (UTC unless the project sets one). A job at a fixed
wall-clock time (its minute and hour fields are not `*...`) follows Debian cron across DST changes: on the
night the clocks go back it runs once, at the first of the two instants with that local time; on the night
they go forward a time that does not exist runs at the first minute after the gap. Other jobs follow real
time: `*/30 * * * *` fires every half hour through both changes.

`CronScheduler` keeps one clock timer, armed at the earliest next fire of all its jobs. At each tick:

* several instances may share one backend; before running a job each takes the backend lock named after
  the job and the tick (`cron:<step>:<trigger index>:<tick epoch seconds>`), so a tick runs once in all;
* ticks missed while the process was paused or busy are not replayed: a job that wakes past several ticks
  runs once and is scheduled from the current time;
* a job whose previous run is still going skips the tick (with a warning) instead of stacking runs;
* an exception from a run is logged and the job keeps its schedule.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from motia.clock import Clock, SystemClock, Timer
from motia.logging import extra
from motia.spec import CronSpec
from motia.storage.backend import Backend

log = logging.getLogger("motia.cron")

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
YEARS = (1970, 2099)
LOCK_SECONDS = 300.0
"""How long a tick's lock outlives the tick (as Motia's cron adapters hold theirs): an instance whose clock
lags or that wakes late by less than this cannot run a tick another instance already ran."""
MAX_SLEEP = 60.0
"""The timer is re-armed at least this often (seconds), so a wall clock that is set forward or back is
noticed within a minute."""

_YEAR_ITEM = re.compile(r"^(?:\*|(\d{4})(?:-(\d{4}))?)(?:/(\d+))?$")
_FIELDS_5 = ("minute", "hour", "day-of-month", "month", "day-of-week")
_FIELDS_6 = ("second", *_FIELDS_5)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed cron expression. `fields` is what cronsim evaluates (5 or 6 fields); `years` limits the
    fire times to those years (None: any year)."""

    expression: str
    fields: str
    years: frozenset[int] | None
    wall_clock: bool  # fixed minute and hour: DST changes follow Debian cron (see the module docstring)

    def fires(self, after: datetime) -> Iterator[datetime]:
        """Fire times strictly after `after` (an aware datetime), in order, in `after`'s timezone."""
        if after.tzinfo is None:
            raise ValueError("cron fire times need an aware datetime (one with a timezone)")
        zone, start = after.tzinfo, after.timestamp()
        while True:
            restart: int | None = None
            for when in self._unfiltered(start, zone):
                if self.years is None or when.year in self.years:
                    yield when
                    continue
                restart = min((year for year in self.years if year > when.year), default=None)
                break
            if restart is None:
                return
            start = datetime(restart, 1, 1, tzinfo=zone).timestamp() - 1

    def next_after(self, after: float, zone: tzinfo) -> float | None:
        """The first fire time strictly after `after` (epoch seconds) as epoch seconds; None if none."""
        when = next(self.fires(datetime.fromtimestamp(after, zone)), None)
        return None if when is None else when.timestamp()

    def _unfiltered(self, after: float, zone: tzinfo) -> Iterator[datetime]:
        start = datetime.fromtimestamp(after, zone)
        if zone is UTC or not self.wall_clock:
            yield from CronSim(self.fields, start)
            return
        # A fixed wall-clock time: evaluate on local wall time, then place each result on the timeline: the
        # first of two instants when the clocks go back, the first real minute after a gap when they go
        # forward (cronsim does this itself only for 5-field expressions).
        last = after
        for wall in CronSim(self.fields, start.replace(tzinfo=None)):
            when = wall.replace(tzinfo=zone)
            while _imaginary(when):
                when += timedelta(minutes=1)  # wall-clock arithmetic: the offset is not applied
            if when.timestamp() > last:
                last = when.timestamp()
                yield when


def parse_schedule(expression: str) -> Schedule:
    """The schedule of a cron expression; `ValueError` saying which field is wrong when it is invalid."""
    text = " ".join(expression.split())
    if text.startswith("@"):
        if text not in MACROS:
            raise ValueError(f"unknown macro '{text}' (known: {', '.join(MACROS)})")
        text = MACROS[text]
    fields = text.split(" ")
    if len(fields) not in (5, 6, 7):
        count = len(fields) if text else 0
        raise ValueError(
            f"has {count} fields; expected 5 (minute first), or 6/7 (seconds first, optional year)"
        )
    years = _years(fields.pop()) if len(fields) == 7 else None
    try:
        CronSim(" ".join(fields), datetime(2026, 1, 1, tzinfo=UTC))
    except CronSimError as error:
        raise ValueError(_field_message(str(error), fields)) from None
    minute, hour = fields[-5], fields[-4]
    wall_clock = not minute.startswith("*") and not hour.startswith("*")
    return Schedule(expression, " ".join(fields), years, wall_clock)


def _years(field: str) -> frozenset[int] | None:
    years: set[int] = set()
    any_year = False
    for item in field.split(","):
        match = _YEAR_ITEM.match(item)
        if match is None:
            raise ValueError(_year_message(field))
        first, last, step = match.groups()
        if first is None:  # "*" or "*/n"
            low, high = YEARS
            any_year = any_year or step is None
        else:
            low = int(first)
            high = int(last) if last else (YEARS[1] if step else low)
        if not YEARS[0] <= low <= high <= YEARS[1] or (step is not None and int(step) == 0):
            raise ValueError(_year_message(field))
        years.update(range(low, high + 1, int(step or 1)))
    return None if any_year else frozenset(years)


def _year_message(field: str) -> str:
    return f"bad year field '{field}' (years {YEARS[0]}–{YEARS[1]}, ranges, lists and steps)"


def _field_message(error: str, fields: list[str]) -> str:
    names = _FIELDS_6 if len(fields) == 6 else _FIELDS_5
    lowered = error.lower().replace("-", " ")
    for index, name in enumerate(names):
        if name.replace("-", " ") in lowered:
            return f"bad {name} field '{fields[index]}'"
    return error[:1].lower() + error[1:]


def _imaginary(when: datetime) -> bool:
    """A local time skipped when the clocks go forward."""
    return when != when.astimezone(UTC).astimezone(when.tzinfo)


def zone_named(name: str) -> tzinfo:
    """The timezone for an IANA name ("UTC", "Europe/Berlin"); `ValueError` for an unknown one."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone '{name}'") from None


def next_fires(expression: str, count: int, *, after: datetime) -> list[datetime]:
    """The next `count` fire times of an expression strictly after `after` (aware), in its timezone."""
    return list(islice(parse_schedule(expression).fires(after), count))


class _Job:
    __slots__ = ("fields", "key", "lock_prefix", "next", "schedule", "spec", "task")

    def __init__(self, spec: CronSpec, schedule: Schedule) -> None:
        self.spec, self.schedule = spec, schedule
        self.key = f"{spec.step.name}[{spec.index}]"
        self.fields = extra(step=spec.step.name, trigger=spec.index)  # for the log records about it
        self.lock_prefix = f"cron:{spec.step.name}:{spec.index}:"
        self.next: float | None = None
        self.task: asyncio.Task[None] | None = None


class CronScheduler:
    """Runs `run(job)` for each cron job at its fire times (see the module docstring).

    `instance` names this process in the backend's locks (default: host, process id and a random part);
    `lock_seconds` is how long a tick's lock outlives the tick.
    """

    def __init__(
        self,
        jobs: Sequence[CronSpec],
        backend: Backend,
        run: Callable[[CronSpec], Awaitable[None]],
        *,
        timezone: str = "UTC",
        clock: Clock | None = None,
        instance: str | None = None,
        lock_seconds: float = LOCK_SECONDS,
    ) -> None:
        self.backend = backend
        self.clock: Clock = clock or SystemClock()
        self.zone = zone_named(timezone)
        self.instance = instance or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.lock_seconds = lock_seconds
        self._run = run
        self._jobs = [_Job(spec, _schedule_of(spec)) for spec in jobs]
        self._timer: Timer | None = None
        self._started = False

    @property
    def running(self) -> bool:
        return self._started

    async def start(self) -> None:
        """Compute every job's next fire time and arm the timer; does nothing when already started."""
        if self._started:
            return
        self._started = True
        now = self.clock.now()
        for job in self._jobs:
            job.next = job.schedule.next_after(now, self.zone)
        self._arm(now)

    async def stop(self, *, grace: float = 5.0) -> None:
        """Stop firing; wait up to `grace` seconds for runs in progress, then cancel the rest. Does nothing
        when not started."""
        if not self._started:
            return
        self._started = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        running = [job.task for job in self._jobs if job.task is not None and not job.task.done()]
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                log.warning("cron: cancelled %d run(s) still going at shutdown", len(late))
                await asyncio.wait(late)
        for job in self._jobs:
            job.task = None

    def next_fires(self, job: CronSpec, count: int, *, after: float | None = None) -> list[datetime]:
        """The job's next `count` fire times after `after` (epoch seconds; default: now), in the
        scheduler's timezone."""
        start = datetime.fromtimestamp(self.clock.now() if after is None else after, self.zone)
        return list(islice(_schedule_of(job).fires(start), count))

    # -- ticks
    def _arm(self, now: float) -> None:
        upcoming = [job.next for job in self._jobs if job.next is not None]
        if upcoming:
            self._timer = self.clock.call_at(min(*upcoming, now + MAX_SLEEP), self._on_timer)
        else:
            self._timer = None  # no job will ever fire again

    def _on_timer(self) -> None:
        if not self._started:
            return
        now = self.clock.now()
        try:
            for job in self._jobs:
                if job.next is not None and job.next <= now:
                    self._tick(job, job.next, now)
        except Exception:  # a bug here must not stop the schedule
            log.exception("cron: a tick failed")
        finally:
            self._arm(now)

    def _tick(self, job: _Job, tick: float, now: float) -> None:
        following = job.schedule.next_after(tick, self.zone)
        if following is not None and following <= now:
            message = "cron %s: woke %.0f s late; missed ticks are not replayed, it runs once"
            log.warning(message, job.key, now - tick, extra=job.fields)
            following = job.schedule.next_after(now, self.zone)
        job.next = following
        if job.task is not None and not job.task.done():
            message = "cron %s: skipped the tick at %s: the previous run is still going"
            log.warning(message, job.key, self._iso(tick), extra=job.fields)
            return
        job.task = asyncio.create_task(self._fire(job, tick), name=f"cron {job.key}")

    async def _fire(self, job: _Job, tick: float) -> None:
        now = self.clock.now()
        name = f"{job.lock_prefix}{round(tick)}"
        try:
            won = await self.backend.acquire_lock(
                name, self.instance, until=max(tick, now) + self.lock_seconds, now=now
            )
        except Exception:
            message = "cron %s: could not take the lock for the tick at %s"
            log.exception(message, job.key, self._iso(tick), extra=job.fields)
            return
        if not won:
            log.debug(
                "cron %s: the tick at %s runs on another instance", job.key, self._iso(tick), extra=job.fields
            )
            return
        try:
            await self._run(job.spec)
        except Exception:
            log.exception(
                "cron %s: the run for the tick at %s failed", job.key, self._iso(tick), extra=job.fields
            )

    def _iso(self, when: float) -> str:
        return datetime.fromtimestamp(when, self.zone).isoformat()


def _schedule_of(spec: CronSpec) -> Schedule:
    try:
        return parse_schedule(spec.expression)
    except ValueError as error:
        where = f"step '{spec.step.name}' trigger {spec.index}"
        raise ValueError(f"{where}: invalid cron expression '{spec.expression}': {error}") from None
