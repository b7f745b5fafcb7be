"""What the armour costs and how fast it refuses: the issue-19 attacks, measured.

    .venv/bin/python bench/security.py                      # SQLite in a temp file
    .venv/bin/python bench/security.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/security.py --redis redis://127.0.0.1:6379/15   # also the limits in Redis

Prints, with the machine-speed reference first (compare runs only next to it):

* the issue's four-level nested query (any staff member, 200 per level): how long /graphql
  takes to refuse it, next to a plain ``{ me }`` round trip;
* the sign-in rate limits: what one counted attempt costs in each storage (an
  ``adminLogin`` checks 6 windows: 3 per address, 3 for the admin), and an adminLogin
  round trip;
* the issue's brute force: 200 wrong admin passwords at once, how many were checked and how
  long the burst took.

Everything runs in-process (httpx's ASGI transport), on this machine's loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.machine import machine_speed  # noqa: E402
from parlo.app import create_app  # noqa: E402
from parlo.clock import FrozenClock  # noqa: E402
from parlo.rate_limits import sign_in_limits  # noqa: E402
from parlo.settings import Settings  # noqa: E402
from resolvers.sign_in_limits import ADMIN_LOGIN, Attempt  # noqa: E402
from storage import Database  # noqa: E402
from storage.database import normalise_url  # noqa: E402
from storage.migrations import upgrade  # noqa: E402
from tests.graphql.helpers import SECRET, full_salon, staff_token  # noqa: E402

NOW = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)
PASSWORD = "bench-admin-password-long"
LOGIN = "mutation($p: String!) { adminLogin(password: $p) { __typename } }"


def nested(levels: int = 4, first: int = 200) -> str:
    inner = "id name"
    for _ in range(levels - 1):
        inner = f"id appointments(first: {first}) {{ id customer {{ {inner} }} }}"
    return f"{{ appointments(first: 200) {{ nodes {{ id customer {{ {inner} }} }} }} }}"


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms (n={len(values)})"


async def timed(call, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


async def make_database(postgres: str | None) -> tuple[str, callable]:
    if not postgres:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='parlo-bench-')}/security.db"
        await asyncio.to_thread(upgrade, url)
        return url, None
    name = f"parlo_bench_{secrets.token_hex(4)}"
    server = normalise_url(postgres)
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + f"/{name}"
    await asyncio.to_thread(upgrade, url)

    async def drop():
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
    return url, drop


async def limit_cost(label: str, limits, n: int) -> None:
    """One adminLogin's counting: 6 windows hit, then given back (a right password)."""
    async def one():
        attempt = await limits.attempt(ADMIN_LOGIN, address=f"192.0.2.{secrets.randbelow(250)}", account="admin")
        assert isinstance(attempt, Attempt)
        await attempt.succeeded()
    await one()
    print(f"  counted attempt, {label}: {ms(await timed(one, n))}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a throwaway database is made there)")
    parser.add_argument("--redis", help="a Redis URL: also measure the limits counted in Redis")
    parser.add_argument("-n", type=int, default=50, help="round trips per figure (default 50)")
    args = parser.parse_args()
    print(machine_speed())
    url, drop = await make_database(args.postgres)
    clock = FrozenClock(NOW)
    settings = Settings(_env_file=None, database_url=url, jwt_secret=SECRET, admin_password=PASSWORD,
                        public_url="https://parlo.test", env="development", redis_url=None)
    db = Database.connect(url)
    try:
        salon = await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")
        token = staff_token(salon.salon, salon.salon.beto, clock())
        print(f"database: {db.dialect}")
        app = create_app(settings, clock=clock, migrate=False)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                headers = {"Authorization": f"Bearer {token}"}

                async def me():
                    assert (await http.post("/graphql", json={"query": "{ me { __typename } }"},
                                            headers=headers)).status_code == 200

                async def attack():
                    body = (await http.post("/graphql", json={"query": nested()}, headers=headers)).json()
                    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "PAGE_TOO_LARGE"

                await me()
                print("nested query (issue 19 #2: 4 levels x 200, as a viewer-level staff member could send):")
                print(f"  {{ me }} round trip:          {ms(await timed(me, args.n))}")
                print(f"  nested query refused:       {ms(await timed(attack, args.n))}")

                print("sign-in rate limits:")
                await limit_cost(f"database ({db.dialect})", sign_in_limits(settings, db, clock), args.n)
                if args.redis:
                    redis_settings = settings.model_copy(update={"redis_url": args.redis})
                    await limit_cost("Redis", sign_in_limits(redis_settings, db, clock), args.n)

                async def login():
                    await http.post("/graphql", json={"query": LOGIN, "variables": {"p": PASSWORD}})
                print(f"  adminLogin round trip (right password, 6 windows counted and given back): "
                      f"{ms(await timed(login, args.n))}")

                started = time.perf_counter()
                answers = await asyncio.gather(*(http.post("/graphql", json={
                    "query": LOGIN, "variables": {"p": f"guess-{i}"}}) for i in range(200)))
                took = time.perf_counter() - started
                kinds = [a.json()["data"]["adminLogin"]["__typename"] for a in answers]
                print(f"brute force (issue 19 #3: 200 wrong passwords at once): {kinds.count('NotAuthenticated')} "
                      f"checked, {kinds.count('TooManyAttempts')} refused unchecked, in {took:.2f} s")
    finally:
        await db.dispose()
        if drop is not None:
            await drop()


if __name__ == "__main__":
    asyncio.run(main())
