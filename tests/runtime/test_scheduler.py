"""The cron scheduler, driven by a manual clock: fire times in each dialect and timezone, DST, the lock that
makes a tick run once across instances, and what happens to late, overlapping and failing runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import motia
import motia.scheduler
import pytest
from motia.clock import ManualClock
from motia.logging import record_fields
from motia.scheduler import CronScheduler, next_fires, parse_schedule
from motia.spec import CronSpec, StepSpec
from motia.storage.backend import Backend
from motia.storage.memory import MemoryBackend
from motia.storage.sqlite import SqliteBackend

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 1, 1, tzinfo=UTC).timestamp()  # a Thursday, midnight UTC
MINUTE, HOUR = 60.0, 3600.0


async def handler(ctx: Any) -> None:
    """Never called: the scheduler hands jobs to `run`."""


def job(expression: str, name: str = "tick", index: int = 0) -> CronSpec:
    step = StepSpec(name=name, file=f"steps/{name}_step.py", form="classic", handler=handler, arity=1)
    return CronSpec(step=step, index=index, expression=expression)


class Runs:
    """A `run` callback recording (step name, clock time) for each run."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.calls: list[tuple[str, float]] = []

    async def __call__(self, spec: CronSpec) -> None:
        self.calls.append((spec.step.name, self.clock.now()))

    def times(self, name: str = "tick") -> list[float]:
        return [when for step, when in self.calls if step == name]


async def settle() -> None:
    """Let the runs started by a tick reach their first real wait (the scheduler awaits nothing else)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def advance(clock: ManualClock, seconds: float, *, step: float = MINUTE) -> None:
    """Move the clock in steps, letting started runs go on after each."""
    while seconds > 0:
        clock.advance(min(step, seconds))
        seconds -= step
        await settle()


def scheduler(
    jobs: Sequence[CronSpec],
    clock: ManualClock,
    run: Callable[[CronSpec], Awaitable[None]],
    *,
    backend: Backend | None = None,
    timezone: str = "UTC",
) -> CronScheduler:
    return CronScheduler(jobs, backend or MemoryBackend(), run, timezone=timezone, clock=clock)


def utc(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M:%S")


# -- fire times


def test_five_field_expressions_fire_on_the_minute() -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        runs = Runs(clock)
        cron = scheduler([job("*/15 * * * *")], clock, runs)
        await cron.start()
        await advance(clock, 46 * MINUTE)
        assert [utc(t) for t in runs.times()] == [
            "2026-01-01 00:15:00",
            "2026-01-01 00:30:00",
            "2026-01-01 00:45:00",
        ]
        await cron.stop()

    asyncio.run(main())


def test_six_field_expressions_take_seconds_first() -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        runs = Runs(clock)
        cron = scheduler([job("*/20 * * * * *"), job("30 0 * * * *", "half")], clock, runs)
        await cron.start()
        await advance(clock, 61, step=1)
        assert [utc(t) for t in runs.times()] == [
            "2026-01-01 00:00:20",
            "2026-01-01 00:00:40",
            "2026-01-01 00:01:00",
        ]
        assert [utc(t) for t in runs.times("half")] == ["2026-01-01 00:00:30"]
        await cron.stop()

    asyncio.run(main())


def test_macros_fire_like_the_expressions_they_stand_for() -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        runs = Runs(clock)
        cron = scheduler([job("@hourly"), job("@daily", "daily")], clock, runs)
        await cron.start()
        await advance(clock, 26 * HOUR, step=10 * MINUTE)
        assert len(runs.times()) == 26
        assert [utc(t) for t in runs.times()[:2]] == ["2026-01-01 01:00:00", "2026-01-01 02:00:00"]
        assert [utc(t) for t in runs.times("daily")] == ["2026-01-02 00:00:00"]
        await cron.stop()

    asyncio.run(main())
    after = datetime.fromtimestamp(T0, UTC)
    for macro, same in [("@yearly", "0 0 1 1 *"), ("@weekly", "0 0 * * 0"), ("@monthly", "0 0 1 * *")]:
        assert next_fires(macro, 3, after=after) == next_fires(same, 3, after=after)


def test_a_year_field_limits_the_fire_times_to_those_years() -> None:
    after = datetime.fromtimestamp(T0, UTC)
    fires = next_fires("0 0 0 1 1 * 2027-2031/2", 5, after=after)
    assert [d.year for d in fires] == [2027, 2029, 2031]


def test_the_timezone_decides_the_next_fire() -> None:
    clock = ManualClock(T0)
    spec = job("0 9 * * *")
    in_utc = scheduler([spec], clock, Runs(clock))
    in_berlin = scheduler([spec], clock, Runs(clock), timezone="Europe/Berlin")
    assert [d.isoformat() for d in in_utc.next_fires(spec, 2)] == [
        "2026-01-01T09:00:00+00:00",
        "2026-01-02T09:00:00+00:00",
    ]
    assert [d.isoformat() for d in in_berlin.next_fires(spec, 1)] == ["2026-01-01T09:00:00+01:00"]
    summer = datetime(2026, 7, 1, tzinfo=UTC).timestamp()
    assert [d.isoformat() for d in in_berlin.next_fires(spec, 1, after=summer)] == [
        "2026-07-01T09:00:00+02:00"
    ]

    async def main() -> None:
        runs = Runs(clock)
        cron = scheduler([spec], clock, runs, timezone="Europe/Berlin")
        await cron.start()
        await advance(clock, 10 * HOUR, step=15 * MINUTE)
        assert [utc(t) for t in runs.times()] == ["2026-01-01 08:00:00"]
        await cron.stop()

    asyncio.run(main())


def test_a_fixed_time_job_runs_once_when_the_clocks_go_back() -> None:
    async def main() -> None:
        start = datetime(2026, 10, 24, 12, tzinfo=BERLIN).timestamp()
        clock = ManualClock(start)
        runs = Runs(clock)
        jobs = [job("30 2 * * *"), job("0 30 2 * * *", "seconds"), job("*/30 * * * *", "half-hourly")]
        cron = scheduler(jobs, clock, runs, timezone="Europe/Berlin")
        await cron.start()
        await advance(clock, 20 * HOUR, step=5 * MINUTE)  # to 2026-10-25 07:00 local, after the change
        first_of_two = "2026-10-25 00:30:00"  # 02:30+02:00; 02:30+01:00 is 01:30 UTC
        assert [utc(t) for t in runs.times()] == [first_of_two]
        assert [utc(t) for t in runs.times("seconds")] == [first_of_two]
        # A job that follows real time fires every half hour, through both 02:xx hours.
        half_hourly = [datetime.fromtimestamp(t, BERLIN) for t in runs.times("half-hourly")]
        assert len(half_hourly) == 40  # 20 real hours
        assert [d.isoformat() for d in half_hourly if d.hour == 2] == [
            "2026-10-25T02:00:00+02:00",
            "2026-10-25T02:30:00+02:00",
            "2026-10-25T02:00:00+01:00",
            "2026-10-25T02:30:00+01:00",
        ]
        await cron.stop()

    asyncio.run(main())


def test_a_fixed_time_in_the_spring_gap_runs_just_after_it() -> None:
    after = datetime(2026, 3, 28, 12, tzinfo=BERLIN)
    for expression in ("30 2 * * *", "0 30 2 * * *"):
        assert [d.isoformat() for d in next_fires(expression, 2, after=after)] == [
            "2026-03-29T03:00:00+02:00",
            "2026-03-30T02:30:00+02:00",
        ]


# -- one run per tick, whatever happens


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_two_schedulers_sharing_a_backend_run_each_tick_once(storage: str, tmp_path: Path) -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        runs = Runs(clock)
        if storage == "memory":
            first = second = MemoryBackend()
        else:
            first, second = SqliteBackend(tmp_path / "a.sqlite3"), SqliteBackend(tmp_path / "a.sqlite3")
        crons = [scheduler([job("* * * * *")], clock, runs, backend=b) for b in (first, second)]
        assert crons[0].instance != crons[1].instance
        for cron in crons:
            await cron.start()
        await advance(clock, 5 * MINUTE)
        assert [utc(t) for t in runs.times()] == [f"2026-01-01 00:0{m}:00" for m in range(1, 6)]
        for cron in crons:
            await cron.stop()
        await first.close()
        await second.close()

    asyncio.run(main())


def test_missed_ticks_are_not_replayed_after_a_pause(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        runs = Runs(clock)
        cron = scheduler([job("* * * * *")], clock, runs)
        await cron.start()
        clock.advance(10 * MINUTE + 30)  # one jump past ten ticks: the process was paused
        await settle()
        assert [utc(t) for t in runs.times()] == ["2026-01-01 00:10:30"]
        await advance(clock, 30, step=1)
        assert [utc(t) for t in runs.times()] == ["2026-01-01 00:10:30", "2026-01-01 00:11:00"]
        await cron.stop()

    asyncio.run(main())
    assert "missed ticks are not replayed" in caplog.text


def test_a_run_still_going_at_the_next_tick_skips_it(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        started: list[float] = []
        release = asyncio.Event()

        async def slow(spec: CronSpec) -> None:
            started.append(clock.now())
            await release.wait()
            release.clear()

        cron = scheduler([job("* * * * *")], clock, slow)
        await cron.start()
        await advance(clock, 2 * MINUTE)
        assert [utc(t) for t in started] == ["2026-01-01 00:01:00"]
        release.set()
        await settle()
        await advance(clock, MINUTE)
        assert [utc(t) for t in started] == ["2026-01-01 00:01:00", "2026-01-01 00:03:00"]
        release.set()
        await cron.stop()

    asyncio.run(main())
    assert (
        "tick[0]: skipped the tick at 2026-01-01T00:02:00+00:00: the previous run is still going"
        in caplog.text
    )


def test_a_failing_run_is_logged_and_the_next_tick_runs(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        calls: list[float] = []

        async def flaky(spec: CronSpec) -> None:
            calls.append(clock.now())
            if len(calls) == 1:
                raise RuntimeError("boom")

        cron = scheduler([job("* * * * *")], clock, flaky)
        await cron.start()
        await advance(clock, 2 * MINUTE)
        assert len(calls) == 2
        await cron.stop()

    asyncio.run(main())
    (failure,) = [r for r in caplog.records if r.name == "motia.cron" and r.levelno == logging.ERROR]
    assert "the run for the tick at 2026-01-01T00:01:00+00:00 failed" in failure.getMessage()
    assert failure.exc_info is not None
    assert str(failure.exc_info[1]) == "boom"
    assert record_fields(failure) == {"step": "tick", "trigger": 0}


def test_a_backend_that_cannot_lock_skips_the_tick_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Flaky(MemoryBackend):
        failures = 1

        async def acquire_lock(self, name: str, owner: str, *, until: float, now: float) -> bool:
            if self.failures:
                self.failures -= 1
                raise OSError("disk I/O error")
            return await super().acquire_lock(name, owner, until=until, now=now)

    async def main() -> None:
        clock = ManualClock(T0)
        runs = Runs(clock)
        cron = scheduler([job("* * * * *")], clock, runs, backend=Flaky())
        await cron.start()
        await advance(clock, 2 * MINUTE)
        assert [utc(t) for t in runs.times()] == ["2026-01-01 00:02:00"]
        await cron.stop()

    asyncio.run(main())
    assert "could not take the lock for the tick at 2026-01-01T00:01:00+00:00" in caplog.text


# -- starting and stopping


def test_start_and_stop_are_idempotent_and_stop_cancels_runs_that_overstay() -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        outcomes: list[str] = []
        runs = 0

        async def forever(spec: CronSpec) -> None:
            nonlocal runs
            runs += 1
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                outcomes.append("cancelled")
                raise

        cron = scheduler([job("* * * * *")], clock, forever)
        await cron.start()
        await cron.start()  # still one timer: one run per tick
        await advance(clock, MINUTE)
        assert runs == 1
        await cron.stop(grace=0)
        assert outcomes == ["cancelled"]
        assert not cron.running
        await cron.stop()
        await advance(clock, 5 * MINUTE)
        assert runs == 1  # nothing fires once stopped

    asyncio.run(main())


def test_stop_lets_a_short_run_finish() -> None:
    async def main() -> None:
        clock = ManualClock(T0)
        finished: list[bool] = []
        proceed = asyncio.Event()

        async def short(spec: CronSpec) -> None:
            await proceed.wait()
            finished.append(True)

        cron = scheduler([job("* * * * *")], clock, short)
        await cron.start()
        await advance(clock, MINUTE)
        asyncio.get_running_loop().call_soon(proceed.set)
        await cron.stop(grace=60)
        assert finished == [True]

    asyncio.run(main())


def test_the_scheduler_module_leaves_the_cron_trigger_helper_alone() -> None:
    # Importing a submodule sets it as an attribute of the package: it must not be named after an export.
    assert callable(motia.cron)
    assert motia.scheduler.CronScheduler is CronScheduler


def test_invalid_jobs_and_timezones_are_refused_up_front() -> None:
    clock = ManualClock(T0)
    with pytest.raises(ValueError, match=r"step 'tick' trigger 0: invalid cron expression '61 \* \* \* \*'"):
        scheduler([job("61 * * * *")], clock, Runs(clock))
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        scheduler([job("* * * * *")], clock, Runs(clock), timezone="Mars/Olympus")
    for expression, problem in [
        ("* * * *", "has 4 fields"),
        ("@reboot", "unknown macro '@reboot'"),
        ("0 0 30 2 *", "bad day-of-month field '30'"),
        ("0 0 0 1 1 * 1969", "bad year field '1969'"),
    ]:
        with pytest.raises(ValueError, match=problem):
            parse_schedule(expression)
