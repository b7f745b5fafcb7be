"""Microseconds per phrase for the Spanish language core, over the test suite's parsing table.

    .venv/bin/python bench/spanish.py [rounds]

"cold" clears every cache before each round (each message is new, as in production);
"warm" repeats the same messages with caches filled. Prints one line per table.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from messaging.spanish import (  # noqa: E402
    choose,
    detect_intent,
    extract_phone,
    match_service,
    parse_date,
    parse_person_name,
    parse_rating,
    parse_time,
    parse_time_range,
    parse_yes_no,
)
choices = importlib.import_module("messaging.spanish.choices")
normal_form = importlib.import_module("messaging.spanish.normal_form")
services = importlib.import_module("messaging.spanish.services")


def _load_table():
    path = ROOT / "tests" / "messaging" / "test_spanish_table.py"
    spec = importlib.util.spec_from_file_location("spanish_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _clear_caches() -> None:
    normal_form.normalize.cache_clear()
    normal_form._fix_token.cache_clear()
    services._prepare.cache_clear()
    choices._option_time.cache_clear()


def _calls(table):
    today = table.TODAY
    return {
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
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    table = _load_table()
    calls = _calls(table)
    for batch in calls.values():  # import-time work and first compilations out of the way
        for call in batch:
            call()
    print(f"{'table':<20}{'phrases':>8}{'cold µs/phrase':>16}{'warm µs/phrase':>16}   (best of {rounds} rounds)")
    total = 0
    for name, batch in calls.items():
        cold = _per_phrase(batch, rounds, cold=True)
        warm = _per_phrase(batch, rounds, cold=False)
        total += len(batch)
        print(f"{name:<20}{len(batch):>8}{cold:>16.1f}{warm:>16.1f}")
    print(f"{total} phrase calls")


if __name__ == "__main__":
    main()
