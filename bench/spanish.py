"""Microseconds per phrase for the Spanish language core, over the test suite's tables.

    .venv/bin/python bench/spanish.py [--rounds N] [--only frames]

"frames" is the request-frame parser (``parse_frame``) over the frame table
(tests/messaging/test_spanish_frame_table.py): the figure issue 18 bounds at 0.5 ms per
message; "frames, bounds" the same over the hour-bounds rows (test_spanish_frame_bounds.py);
"frames, 4k-char" the same parser on adversarial messages of WhatsApp's length. The other
lines are the older single-purpose parsers over tests/messaging/test_spanish_table.py.
"cold" clears every cache before each round (each message is new, as in production); "warm"
repeats the same messages with caches filled.
The run starts and ends with the machine's speed (bench/machine.py): compare figures of
two runs only next to it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import machine_speed  # noqa: E402
from messaging.spanish import (  # noqa: E402
    choose,
    detect_intent,
    extract_phone,
    match_service,
    parse_date,
    parse_frame,
    parse_person_name,
    parse_rating,
    parse_time,
    parse_time_range,
    parse_yes_no,
)

choices = importlib.import_module("messaging.spanish.choices")
normal_form = importlib.import_module("messaging.spanish.normal_form")
services = importlib.import_module("messaging.spanish.services")
people = importlib.import_module("messaging.spanish.people")


def _load(name: str):
    path = ROOT / "tests" / "messaging" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"tests.messaging.{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _clear_caches() -> None:
    normal_form.normalize.cache_clear()
    normal_form._fix_token.cache_clear()
    services._prepare.cache_clear()
    services._is_relevant.cache_clear()
    choices._option_time.cache_clear()
    people._first_names.cache_clear()


# Messages at WhatsApp's length built to make regular expressions work hard: the parser reads
# the first 600 characters, so these show what one such message costs at worst.
LONG_MESSAGES = [
    "lunes martes miercoles jueves viernes sabado domingo " * 80,
    "de 1 a 2 de 3 a 4 " * 250,
    "del lunes del martes al " * 200,
    "el el el 1 " * 400,
    "quiero una cita mañana a las 4 y media con Pedro para corte y barba, después de las 5. " * 45,
]


def _calls(table, frames, bounds) -> dict[str, list]:
    today = table.TODAY
    now, catalog = frames.NOW, frames.CATALOG
    return {
        "frames": [lambda p=row[0]: parse_frame(p, now_local=now, catalog=catalog) for row in frames.TABLE],
        "frames, bounds": [lambda p=row[0]: parse_frame(p, now_local=now, catalog=catalog) for row in bounds.BOUNDS_TABLE],
        "frames, 4k-char": [lambda p=text: parse_frame(p, now_local=now, catalog=catalog) for text in LONG_MESSAGES],
        "dates": [lambda p=row[0]: parse_date(p, today) for row in table.DATE_TABLE],
        "times": [lambda p=row[0]: parse_time(p) for row in table.TIME_TABLE],
        "time ranges": [lambda p=row[0]: parse_time_range(p) for row in table.RANGE_TABLE],
        "services": [lambda p=row[0], s=row[1]: match_service(p, s) for row in table.SERVICE_TABLE],
        "choices": [lambda p=row[0], o=row[1]: choose(p, o) for row in table.CHOICE_TABLE],
        "yes/no": [lambda p=row[0]: parse_yes_no(p) for row in table.YES_NO_TABLE],
        "intents": [
            lambda p=row[0], a=row[1]: detect_intent(p, today=today, audience=a) for row in table.INTENT_TABLE
        ],
        "intents + services": [
            lambda p=row[0], a=row[1]: detect_intent(p, today=today, audience=a, services=table.BARBER)
            for row in table.INTENT_TABLE
        ],
        "phones": [lambda p=row[0]: extract_phone(p) for row in table.PHONE_TABLE],
        "names": [lambda p=row[0]: parse_person_name(p) for row in table.NAME_TABLE],
        "ratings": [lambda p=row[0]: parse_rating(p) for row in table.RATING_TABLE],
    }


def _per_phrase(calls, rounds: int, cold: bool) -> float:
    best = float("inf")
    for _ in range(rounds):
        if cold:
            _clear_caches()
        start = time.perf_counter()
        for call in calls:
            call()
        best = min(best, time.perf_counter() - start)
    return best / len(calls) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="rounds per table; the best round counts (default 30)")
    parser.add_argument("--only", action="append", metavar="TABLE", help="time only this table (repeatable)")
    args = parser.parse_args()
    table, frames = _load("test_spanish_table"), _load("test_spanish_frame_table")
    calls = _calls(table, frames, _load("test_spanish_frame_bounds"))
    if args.only:
        unknown = set(args.only) - set(calls)
        if unknown:
            parser.error(f"unknown table(s): {', '.join(sorted(unknown))}; tables: {', '.join(calls)}")
        calls = {name: batch for name, batch in calls.items() if name in args.only}
    for batch in calls.values():  # import-time work and first compilations out of the way
        for call in batch:
            call()
    print(machine_speed(), "(start)")
    print(f"{'table':<20}{'phrases':>8}{'cold µs/phrase':>16}{'warm µs/phrase':>16}   (best of {args.rounds} rounds)")
    total = 0
    for name, batch in calls.items():
        cold = _per_phrase(batch, args.rounds, cold=True)
        warm = _per_phrase(batch, args.rounds, cold=False)
        total += len(batch)
        print(f"{name:<20}{len(batch):>8}{cold:>16.1f}{warm:>16.1f}")
    print(f"{total} phrase calls")
    print(machine_speed(), "(end)")


if __name__ == "__main__":
    main()
