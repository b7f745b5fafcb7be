"""How many due reminders one worker dispatches per second (issue 7 figures).

A throwaway database with ``--salons`` organizations and ``--reminders`` appointments, all
due for their 24-hour reminder in the same minute (the worst minute: everyone booked at
10:00 tomorrow). One worker, one event loop, one engine:

- dispatch: one ``dispatch_due`` pass (find due visits, build their facts, write the outbox
  rows with their dedupe keys, mark ``reminder_sent_at``), then a second pass that finds
  everything written and writes nothing (what every other minute of the catch-up window costs);
- deliver: ``deliver_due`` sending those rows through a sender that answers at once (our
  claim/render/record cost; Twilio's ~150-300 ms per request is not in it).

    .venv/bin/python bench/notifications.py                      # PostgreSQL on 127.0.0.1
    .venv/bin/python bench/notifications.py --url sqlite         # a temporary SQLite file
    .venv/bin/python bench/notifications.py --reminders 5000 --salons 50

Wall time and this process's CPU time (the machine is shared: CPU is steadier).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, insert, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from messaging.delivery import deliver_due  # noqa: E402
from messaging.engine import AcknowledgementEngine  # noqa: E402
from messaging.notifications import dispatch_due  # noqa: E402
from messaging.runtime import DeliveryPolicy, InlineWorkQueue, Messaging, MessagingConfig  # noqa: E402
from messaging.senders import Outgoing, Sent  # noqa: E402
from resolvers.context import ResolverConfig  # noqa: E402
from storage import (  # noqa: E402
    Appointment,
    AppointmentStatus,
    Customer,
    Database,
    Location,
    Organization,
    OrganizationStatus,
    OutboundMessage,
    PermissionLevel,
    ServiceType,
    Staff,
)
from storage.database import normalise_url  # noqa: E402
from storage.migrations import upgrade  # noqa: E402

NOW = datetime(2026, 3, 4, 16, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Mexico City
CONFIG = ResolverConfig(jwt_secret="x" * 40)


class InstantSender:
    """Twilio that answers at once: what is left is Parlo's own cost per message."""

    async def send(self, message: Outgoing) -> Sent:
        return Sent(provider_message_id="SM" + message.outbox_id.replace("-", ""), status="queued")

    async def find_sent(self, message: Outgoing, *, since: datetime) -> list[str]:
        return []


async def populate(db: Database, salons: int, reminders: int) -> None:
    per_salon = reminders // salons
    created = NOW - timedelta(days=7)
    stamps = {"created_at": created, "updated_at": created}
    orgs, locations, services, staff, customers, appointments = [], [], [], [], [], []
    for s in range(salons):
        org_id, location_id, service_id, staff_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        orgs.append({"id": org_id, "name": f"Salón {s}", "timezone": "America/Mexico_City",
                     "status": OrganizationStatus.ACTIVE, "whatsapp_number": f"+5255{s:08d}", "settings": {},
                     "plan": "free", **stamps})
        locations.append({"id": location_id, "organization_id": org_id, "name": "Centro", "is_primary": True,
                          "business_hours": {}, **stamps})
        services.append({"id": service_id, "organization_id": org_id, "name": "Corte de cabello",
                         "duration_minutes": 45, "price_cents": 15000, **stamps})
        staff.append({"id": staff_id, "organization_id": org_id, "name": "Carlos", "phone_number": f"+5256{s:08d}",
                      "permission_level": PermissionLevel.OWNER, **stamps})
        for i in range(per_salon):
            customer_id = uuid.uuid4()
            customers.append({"id": customer_id, "organization_id": org_id, "phone_number": f"+5257{s:04d}{i:04d}",
                              "name": f"Cliente {i}", **stamps})
            start = NOW + timedelta(hours=24) - timedelta(seconds=i % 3600)
            appointments.append({"id": uuid.uuid4(), "organization_id": org_id, "location_id": location_id,
                                 "customer_id": customer_id, "service_type_id": service_id, "staff_id": staff_id,
                                 "starts_at": start, "ends_at": start + timedelta(minutes=45),
                                 "status": AppointmentStatus.CONFIRMED, "price_cents": 15000, **stamps})
    async with db.transaction(write=True) as session:
        for model, rows in ((Organization, orgs), (Location, locations), (ServiceType, services), (Staff, staff),
                            (Customer, customers), (Appointment, appointments)):
            for start in range(0, len(rows), 1000):
                await session.execute(insert(model), rows[start:start + 1000])


async def run(url: str, salons: int, reminders: int, repeat: int) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database.connect(url)
    try:
        await populate(db, salons, reminders)
        m = Messaging(db=db, clock=lambda: NOW, sender=InstantSender(), engine=AcknowledgementEngine(),
                      queue=InlineWorkQueue(), config=MessagingConfig(
                          content_sids={"appointment_reminder": "HX" + "0" * 32}, resolver=CONFIG,
                          delivery=DeliveryPolicy(batch_size=200)))
        print(f"database: {db.dialect}; {salons} salons, {reminders} reminders due in the same minute; "
              f"{repeat} runs")
        for run_number in range(repeat):
            async with db.transaction(write=True) as session:
                await session.execute(delete(OutboundMessage))
                # updated_at kept: a visit touched after its reminder was due gets none
                await session.execute(update(Appointment).values(reminder_sent_at=None,
                                                                 updated_at=Appointment.updated_at))
            wall, cpu = time.perf_counter(), time.process_time()
            report = await dispatch_due(db, now=NOW, config=CONFIG)
            dispatch = (time.perf_counter() - wall, time.process_time() - cpu)
            written = len(report.written["reminders"])
            wall, cpu = time.perf_counter(), time.process_time()
            again = await dispatch_due(db, now=NOW + timedelta(minutes=1), config=CONFIG)
            rerun = (time.perf_counter() - wall, time.process_time() - cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            delivered = await deliver_due(m)
            deliver = (time.perf_counter() - wall, time.process_time() - cpu)
            assert written == reminders and again.total == 0 and delivered.sent == reminders, (written, again, delivered)
            print(f"run {run_number + 1}: dispatch {written / dispatch[0]:7.0f}/s wall ({dispatch[0] * 1000:6.0f} ms,"
                  f" CPU {dispatch[1] * 1000:6.0f} ms) | re-run writes 0 in {rerun[0] * 1000:5.0f} ms |"
                  f" deliver {delivered.sent / deliver[0]:5.0f}/s wall ({deliver[0] * 1000:6.0f} ms,"
                  f" CPU {deliver[1] * 1000:6.0f} ms)")
    finally:
        await db.dispose()


async def _admin(url: str, sql: str) -> None:
    engine = create_async_engine(make_url(normalise_url(url)), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("PARLO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--salons", type=int, default=20)
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.url.startswith("postgres"):
        name = f"parlo_bench_{secrets.token_hex(4)}"
        asyncio.run(_admin(args.url, f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
        try:
            asyncio.run(run(url, args.salons, args.reminders, args.repeat))
        finally:
            asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url = args.url if "///" in args.url else f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
        asyncio.run(run(url, args.salons, args.reminders, args.repeat))


if __name__ == "__main__":
    main()
