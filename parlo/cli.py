"""``parlo`` — serve, migrate, worker, demo, token, chat.

Each command reads the settings once and passes them down.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from parlo.settings import Settings

log = logging.getLogger("parlo")


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        sys.exit(f"parlo: configuración inválida:\n{exc}")


def cmd_serve(args: argparse.Namespace) -> None:
    from parlo.app import ensure_schema
    from parlo.server import run_server

    from storage import DatabaseUnavailable

    settings = _settings()
    if args.worker is None:
        # The embedded default: the Huey consumer runs inside `parlo serve` unless Redis
        # (production, with `parlo worker` processes) is configured.
        args.worker = settings.embedded_worker or not settings.redis_url
    os.environ["PARLO_EMBEDDED_WORKER"] = "true" if args.worker else "false"  # read by create_app in uvicorn
    # Migrate once here, not in each of N worker processes.
    try:
        asyncio.run(ensure_schema(settings))
    except (DatabaseUnavailable, OSError) as exc:
        sys.exit(f"parlo: {exc}")
    run_server(host=args.host, port=args.port, workers=args.workers)


def cmd_migrate(args: argparse.Namespace) -> None:
    from storage.migrations import current_revision, upgrade

    settings = _settings()
    upgrade(settings.database_url)
    print(f"Base de datos al día ({settings.backend_name}, revisión {current_revision(settings.database_url)}).")


def cmd_worker(args: argparse.Namespace) -> None:
    from parlo.worker import WorkerOptions, run_workers

    settings = _settings()
    if not settings.redis_url:
        log.info("no REDIS_URL: this worker looks for waiting conversations in the database twice a second")
    run_workers(settings, processes=args.workers,
                options=WorkerOptions(concurrency=args.concurrency, shutdown_timeout=args.shutdown_timeout))


def cmd_chat(args: argparse.Namespace) -> None:
    from parlo.chat import chat, default_business_number
    from resolvers.phones import InvalidPhone, normalise_phone

    settings = _settings()
    try:
        normalise_phone(args.as_phone)
        to = args.to or default_business_number(settings)
        normalise_phone(to)
    except InvalidPhone as exc:
        sys.exit(f"parlo: {exc}")
    if args.url is None and settings.is_sqlite:
        from parlo.app import ensure_schema

        asyncio.run(ensure_schema(settings))
    logging.getLogger("parlo").setLevel(logging.WARNING)
    logging.getLogger("parlo.whatsapp").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        asyncio.run(chat(settings, sender=args.as_phone, to=to, url=args.url, messages=args.message or [],
                         name=args.name, wait=args.wait))
    except KeyboardInterrupt:
        print()


def cmd_demo(args: argparse.Namespace) -> None:
    from parlo.app import ensure_schema
    from parlo.clock import clock_from
    from parlo.demo import load_demo
    from storage import Database

    settings = _settings()

    async def run() -> None:
        await ensure_schema(settings)
        db = Database.connect(settings.database_url)
        try:
            org, created = await load_demo(db, clock_from(settings.clock)())
        finally:
            await db.dispose()
        verb = "Listo: cargué" if created else "Ya existía"
        print(f"{verb} el salón de demostración «{org.name}» (WhatsApp {org.whatsapp_number}).")

    asyncio.run(run())


def cmd_token(args: argparse.Namespace) -> None:
    from sqlalchemy import select

    from parlo.clock import clock_from
    from resolvers.auth import issue_staff_token
    from resolvers.phones import InvalidPhone, normalise_phone
    from storage import Database, Organization, Staff

    settings = _settings()
    try:
        phone = normalise_phone(args.phone)
    except InvalidPhone as exc:
        sys.exit(f"parlo: {exc}")

    async def run() -> str:
        db = Database.connect(settings.database_url)
        try:
            async with db.session() as session:
                query = select(Staff, Organization).join(Organization, Staff.organization_id == Organization.id).where(
                    Staff.phone_number == phone, Staff.is_active.is_(True)
                )
                if args.org:
                    query = query.where(Organization.id == args.org)
                rows = (await session.execute(query)).all()
        finally:
            await db.dispose()
        if not rows:
            sys.exit(f"parlo: no hay personal activo con el número {phone}.")
        if len(rows) > 1:
            listed = "\n".join(f"  --org {org.id}  ({org.name})" for _, org in rows)
            sys.exit(f"parlo: {phone} trabaja en varios negocios; elige uno:\n{listed}")
        staff, org = rows[0]
        return issue_staff_token(
            staff_id=staff.id, organization_id=org.id,
            secret=settings.jwt_secret.get_secret_value(), now=clock_from(settings.clock)(),
        )

    print(asyncio.run(run()))


def template_sheet(*, as_json: bool = False) -> str:
    """Every WhatsApp template with its variables and sample Spanish text, to submit to Twilio/Meta.

    The draft body replaces each numbered variable's sample value with ``{{n}}``; review it
    before submitting (a sample value that also appears elsewhere in the text is replaced too).
    """
    import json
    import re
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from messaging.templates import SAMPLES, TEMPLATES, render

    # The samples are written for Friday 16 January 2026, 10:00 in Mexico City ("mañana sábado").
    sample_now = datetime(2026, 1, 16, 10, 0, tzinfo=ZoneInfo("America/Mexico_City"))
    sheet = []
    for name, template in TEMPLATES.items():
        rendered = render(name, SAMPLES[name], now=sample_now)
        draft = rendered.body
        for number, value in sorted(rendered.content_variables.items(), key=lambda item: -len(item[1])):
            if value:
                draft = re.sub(re.escape(value), "{{" + number + "}}", draft, flags=re.IGNORECASE)
        sheet.append({"name": name, "required": list(template.required), "optional": list(template.optional),
                      "content_variables": rendered.content_variables, "sample": rendered.body, "draft": draft})
    if as_json:
        return json.dumps(sheet, ensure_ascii=False, indent=2)
    blocks = []
    for item in sheet:
        numbered = "\n".join(f"    {{{{{n}}}}} = {v!r}" for n, v in item["content_variables"].items())
        blocks.append(
            f"== {item['name']}\n"
            f"  variables: {', '.join(item['required'])}"
            + (f"; opcionales: {', '.join(item['optional'])}" if item["optional"] else "") + "\n"
            f"  variables de Twilio (ContentVariables):\n{numbered}\n"
            f"  texto de ejemplo:\n    " + item["sample"].replace("\n", "\n    ") + "\n"
            "  borrador para Twilio:\n    " + item["draft"].replace("\n", "\n    ")
        )
    return "\n\n".join(blocks)


def cmd_templates(args: argparse.Namespace) -> None:
    print(template_sheet(as_json=args.json))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parlo", description="Parlo: tu asistente de citas por WhatsApp.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web service (GraphQL, webhooks, dashboard)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument("--worker", action=argparse.BooleanOptionalAction, default=None,
                       help="run the Huey consumer inside the server (default: yes unless REDIS_URL is set)")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    worker = sub.add_parser("worker", help="answer conversations, deliver the outbox, run reminders and summaries")
    worker.add_argument("--workers", type=int, default=1, help="worker processes (each one event loop)")
    worker.add_argument("--concurrency", type=int, default=64, help="conversations in flight per process")
    worker.add_argument("--shutdown-timeout", type=float, default=30.0,
                        help="on SIGTERM, seconds to let the turns under way finish")
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("demo", help="load the demo salon (idempotent)").set_defaults(func=cmd_demo)

    token = sub.add_parser("token", help="print a dashboard session token for a staff member")
    token.add_argument("--phone", required=True)
    token.add_argument("--org", help="organization id, when the phone works at several businesses")
    token.set_defaults(func=cmd_token)

    chat = sub.add_parser("chat", help="a WhatsApp conversation in the terminal, through the real webhook")
    chat.add_argument("--as", dest="as_phone", required=True, help="the phone you write from, e.g. +5215512345678")
    chat.add_argument("--to", help="the number you write to (default: the demo salon, else Parlo's central number)")
    chat.add_argument("--url", help="a running Parlo (e.g. http://127.0.0.1:8000); default: Parlo in this process")
    chat.add_argument("--name", default="", help="the WhatsApp profile name Parlo sees (default: none)")
    chat.add_argument("-m", "--message", action="append", help="send this and exit (repeatable)")
    chat.add_argument("--wait", type=float, default=15.0, help="seconds to wait for replies to each message")
    chat.set_defaults(func=cmd_chat)

    templates = sub.add_parser("templates", help="print every WhatsApp template (name, variables, sample Spanish "
                                                 "text) for submission to Twilio")
    templates.add_argument("--json", action="store_true", help="machine-readable output")
    templates.set_defaults(func=cmd_templates)
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
