"""``parlo`` — serve, migrate, worker, init, doctor, demo, token, chat, templates.

Each command reads the settings once and passes them down. Whatever goes wrong reaches
the person as one Spanish line that says how to fix it, with exit code 1
(:mod:`parlo.explain`); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys
import threading
import traceback

from parlo.explain import CommandError, explain
from parlo.settings import Settings

log = logging.getLogger("parlo")


def load_settings() -> Settings:
    """The settings, with Parlo's logging applied (level, format, secrets masked)."""
    from parlo.logs import configure_logging

    settings = Settings()
    configure_logging(settings)
    return settings


def _run(coroutine):
    return asyncio.run(coroutine)


# ---------------------------------------------------------------- serve, migrate, worker


def local_public_url(host: str, port: int) -> str:
    """Where a browser on this machine reaches ``parlo serve --host … --port …``."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def cmd_serve(args: argparse.Namespace) -> None:
    from parlo.app import ensure_schema
    from parlo.logs import logging_config
    from parlo.server import run_server

    settings = load_settings()
    if args.worker is None:
        # The embedded default: the Huey consumer runs inside `parlo serve` unless Redis
        # (production, with `parlo worker` processes) is configured.
        args.worker = settings.embedded_worker or not settings.redis_url
    os.environ["PARLO_EMBEDDED_WORKER"] = "true" if args.worker else "false"  # read by create_app in uvicorn
    if "public_url" not in settings.model_fields_set:
        # Magic links and Twilio signatures use the public URL: without one configured, it is
        # where this server listens (not always 127.0.0.1:8000). Read again by each worker.
        os.environ["PARLO_PUBLIC_URL"] = local_public_url(args.host, args.port)
        log.info("PARLO_PUBLIC_URL no está definido: las ligas usan %s", os.environ["PARLO_PUBLIC_URL"])
    # Migrate once here, not in each of N worker processes.
    _run(ensure_schema(settings))
    run_server(host=args.host, port=args.port, workers=args.workers, proxy_headers=args.proxy_headers,
               forwarded_allow_ips=args.forwarded_allow_ips, graceful_timeout=args.graceful_timeout,
               log_config=logging_config(settings.log_level, settings.log_format), log_level=settings.log_level)


def cmd_migrate(args: argparse.Namespace) -> None:
    from storage.migrations import CitusMissing, current_revision, upgrade

    settings = load_settings()
    before = current_revision(settings.database_url)
    try:
        distributed = upgrade(settings.database_url, distribute=True if args.distribute else None)
    except CitusMissing as exc:
        raise SystemExit(f"No se puede distribuir: {exc}.") from exc
    after = current_revision(settings.database_url)
    change = "ya estaba al día" if before == after else f"de {before or 'vacía'} a {after}"
    print(f"Base de datos al día ({settings.backend_name}, revisión {after}; {change}).")
    if distributed:
        print(f"Citus: {len(distributed)} tablas distribuidas por organización ({', '.join(distributed)}).")


def cmd_worker(args: argparse.Namespace) -> None:
    from parlo.worker import WorkerOptions, run_workers

    settings = load_settings()
    if not settings.redis_url:
        log.info("no REDIS_URL: this worker looks for waiting conversations in the database twice a second")
    run_workers(settings, processes=args.workers,
                options=WorkerOptions(concurrency=args.concurrency, shutdown_timeout=args.shutdown_timeout))


# ---------------------------------------------------------------- a business of your own


def cmd_init(args: argparse.Namespace) -> None:
    from parlo.init_business import init_business

    settings = load_settings()
    _quiet_logs()
    print(_run(init_business(settings, args)))


def cmd_doctor(args: argparse.Namespace) -> None:
    from parlo.doctor import run_doctor

    try:
        settings = load_settings()
    except Exception as exc:  # noqa: BLE001 - the configuration itself is the first check
        settings = None
        problem = explain(exc)
    else:
        problem = None
    _quiet_logs()
    healthy = _run(run_doctor(settings, settings_problem=problem, as_json=args.json))
    if not healthy:
        sys.exit(1)


def cmd_demo(args: argparse.Namespace) -> None:
    from parlo.app import ensure_schema
    from parlo.clock import clock_from
    from parlo.demo import load_demo, next_steps
    from storage import Database

    settings = load_settings()

    async def run() -> None:
        await ensure_schema(settings)
        db = Database.connect(settings.database_url)
        try:
            org, created = await load_demo(db, clock_from(settings.clock)())
        finally:
            await db.dispose()
        verb = "Listo: cargué" if created else "Ya existía"
        print(f"{verb} el salón de demostración «{org.name}» (WhatsApp {org.whatsapp_number}).\n")
        print(next_steps())

    _run(run())


def cmd_token(args: argparse.Namespace) -> None:
    from parlo.clock import clock_from
    from parlo.sign_in import find_staff, sign_in_link, staff_token
    from resolvers.phones import InvalidPhone, normalise_phone

    settings = load_settings()
    try:
        phone = normalise_phone(args.phone)
    except InvalidPhone as exc:
        raise CommandError(f"{exc} Ejemplo: --phone \"+52 55 1234 5678\".") from exc
    now = clock_from(settings.clock)()

    async def run() -> str:
        staff, org = await find_staff(settings, phone, args.org)
        if args.link:
            return await sign_in_link(settings, staff, org, now=now, public_url=args.url)
        return staff_token(settings, staff, org, now=now)

    print(_run(run()))
    if not args.link and sys.stdout.isatty():
        print("(Es un token para la API: «Authorization: Bearer …». Para entrar al panel en el navegador usa "
              "`parlo token --link`.)", file=sys.stderr)


def cmd_chat(args: argparse.Namespace) -> None:
    from parlo.chat import chat, default_business_number
    from resolvers.phones import InvalidPhone, normalise_phone

    settings = load_settings()
    try:
        normalise_phone(args.as_phone)
        to = args.to or default_business_number(settings)
        normalise_phone(to)
    except InvalidPhone as exc:
        raise CommandError(f"{exc} Escribe el número con lada, por ejemplo +52 55 1234 5678.") from exc
    _quiet_logs()
    if args.url is None and settings.is_sqlite:
        from parlo.app import ensure_schema

        _run(ensure_schema(settings))
    try:
        _run(chat(settings, sender=args.as_phone, to=to, url=args.url, messages=args.message or [],
                  name=args.name, wait=args.wait))
    except KeyboardInterrupt:
        print()


def cmd_templates(args: argparse.Namespace) -> None:
    from parlo.template_sheet import template_sheet

    print(template_sheet(as_json=args.json))


def _quiet_logs() -> None:
    """Commands that talk to a person in the terminal: only warnings from the machinery."""
    for name in ("parlo", "parlo.whatsapp", "httpx", "huey"):
        logging.getLogger(name).setLevel(logging.WARNING)


# ---------------------------------------------------------------- the parser, in Spanish


_ARGPARSE_SPANISH = [
    (re.compile(r"the following arguments are required: (.+)"), r"falta \1"),
    (re.compile(r"unrecognized arguments: (.+)"), r"no conozco estas opciones: \1"),
    (re.compile(r"argument (\S+): invalid int value: (.+)"), r"\1 necesita un número entero, no \2"),
    (re.compile(r"argument (\S+): invalid float value: (.+)"), r"\1 necesita un número, no \2"),
    (re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"), r"\1 no acepta \2; elige entre \3"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 necesita un valor"),
    (re.compile(r"argument (\S+): ignored explicit argument (.+)"), r"\1 no lleva valor (\2)"),
]


class SpanishParser(argparse.ArgumentParser):
    """argparse with its mistakes in Spanish, as one line, exit code 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, spanish in _ARGPARSE_SPANISH:
            if pattern.search(message):
                message = pattern.sub(spanish, message)
                break
        self.exit(1, f"{self.prog}: {message}. Ayuda: {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="muestra el detalle completo (traceback) cuando algo falla")
    parser = SpanishParser(prog="parlo", description="Parlo: tu asistente de citas por WhatsApp.",
                           parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO", parser_class=SpanishParser)

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        made = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        made.set_defaults(func=func)
        return made

    serve = command("serve", "el servicio web: GraphQL, webhooks de Twilio y el panel", cmd_serve)
    serve.add_argument("--host", default="127.0.0.1", help="dirección donde escucha (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="puerto (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="procesos de uvicorn (default 1)")
    serve.add_argument("--worker", action=argparse.BooleanOptionalAction, default=None,
                       help="corre la cola (Huey) dentro del servidor (default: sí, salvo con REDIS_URL)")
    serve.add_argument("--proxy-headers", action=argparse.BooleanOptionalAction, default=True,
                       help="confía en X-Forwarded-For/-Proto de --forwarded-allow-ips (default: sí)")
    serve.add_argument("--forwarded-allow-ips", default=None, metavar="IPS",
                       help="IPs del proxy de confianza, separadas por comas, o * (default: $FORWARDED_ALLOW_IPS "
                            "o 127.0.0.1)")
    serve.add_argument("--graceful-timeout", type=float, default=20.0, metavar="SEGUNDOS",
                       help="al recibir SIGTERM, cuánto esperar a que terminen las peticiones en curso (default 20)")

    migrate = command("migrate", "aplica las migraciones a DATABASE_URL (con Citus, además distribuye las tablas)",
                      cmd_migrate)
    migrate.add_argument("--distribute", action="store_true",
                         help="distribuye las tablas en Citus por organización, y falla si la base no tiene "
                              "la extensión citus (sin la opción se distribuyen solas cuando la tiene)")

    worker = command("worker", "la cola: contesta conversaciones, envía el outbox, recordatorios y resúmenes",
                     cmd_worker)
    worker.add_argument("--workers", type=int, default=1, help="procesos de trabajo, cada uno con su event loop "
                                                                "(default 1)")
    worker.add_argument("--concurrency", type=int, default=128,  # parlo.worker.DEFAULT_CONCURRENCY, not imported here
                        help="conversaciones a la vez por proceso (default 128)")
    worker.add_argument("--shutdown-timeout", type=float, default=30.0, metavar="SEGUNDOS",
                        help="al recibir SIGTERM, cuánto esperar a que terminen las conversaciones en curso "
                             "(default 30)")

    init = command("init", "da de alta tu negocio (interactivo, o todo con opciones); se puede repetir", cmd_init)
    init.add_argument("--name", help="nombre del negocio, p. ej. «Estética Lupita»")
    init.add_argument("--whatsapp", help="el número de WhatsApp del negocio (el de Twilio), p. ej. +52 55 8765 4321")
    init.add_argument("--timezone", help="zona horaria IANA (default America/Mexico_City)")
    init.add_argument("--type", dest="business_type", help="tipo de negocio, p. ej. barbería, salón de belleza")
    init.add_argument("--owner-name", help="nombre de la dueña o el dueño")
    init.add_argument("--owner-phone", help="WhatsApp personal de la dueña o el dueño")
    init.add_argument("--hours", help="horario, como lo dirías por WhatsApp: «lunes a viernes de 10 a 8, sábado de "
                                      "10 a 3»")
    init.add_argument("--service", action="append", metavar="«NOMBRE, $PRECIO, MINUTOS»",
                      help="un servicio, p. ej. «Corte de cabello, $150, 45 min» (repetible)")
    init.add_argument("--staff", action="append", metavar="«NOMBRE, TELÉFONO»",
                      help="alguien más del equipo, p. ej. «Pedro Ramírez, 55 1111 2222» (repetible)")
    init.add_argument("--previous-whatsapp", metavar="NÚMERO",
                      help="el WhatsApp que tenía el negocio, para cambiarlo por --whatsapp (p. ej. al dejar el "
                           "sandbox de Twilio)")
    init.add_argument("--no-input", action="store_true", help="nunca preguntes: falla si falta algo")

    doctor = command("doctor", "revisa configuración y conexiones; cada problema con su arreglo", cmd_doctor)
    doctor.add_argument("--json", action="store_true", help="salida para máquinas")

    command("demo", "carga el salón de demostración (se puede repetir)", cmd_demo)

    token = command("token", "un token de sesión, o con --link una liga para entrar al panel", cmd_token)
    token.add_argument("--phone", required=True, help="el WhatsApp de la persona del equipo")
    token.add_argument("--org", help="id del negocio, si ese teléfono trabaja en varios")
    token.add_argument("--link", action="store_true",
                       help="imprime una liga de un solo uso (15 min) para entrar al panel en el navegador")
    token.add_argument("--url", help="dirección del servidor para la liga (default: PARLO_PUBLIC_URL o "
                                     "http://127.0.0.1:8000)")

    chat = command("chat", "una conversación de WhatsApp en la terminal, por el webhook de verdad", cmd_chat)
    chat.add_argument("--as", dest="as_phone", required=True, help="el teléfono desde el que escribes, p. ej. "
                                                                   "+5215512345678")
    chat.add_argument("--to", help="el número al que escribes (default: el salón de demostración, si no el número "
                                   "central de Parlo)")
    chat.add_argument("--url", help="un Parlo corriendo (p. ej. http://127.0.0.1:8000); default: Parlo en este "
                                    "proceso")
    chat.add_argument("--name", default="", help="el nombre de perfil de WhatsApp que ve Parlo")
    chat.add_argument("-m", "--message", action="append", help="envía esto y termina (repetible)")
    chat.add_argument("--wait", type=float, default=15.0, help="segundos de espera por las respuestas a cada mensaje")

    templates = command("templates", "cada plantilla de WhatsApp (nombre, variables, texto de ejemplo) para "
                                     "enviarla a aprobación en Twilio", cmd_templates)
    templates.add_argument("--json", action="store_true", help="salida para máquinas")
    return parser


def _quiet_closed_loop(hook: threading.ExceptHookArgs) -> None:
    """aiosqlite's helper thread, after a connection that failed to open, answers a loop that
    ``asyncio.run`` already closed; the command has reported the failure itself."""
    if isinstance(hook.exc_value, RuntimeError) and str(hook.exc_value) == "Event loop is closed":
        return
    threading.__excepthook__(hook)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    if not getattr(args, "debug", False):
        threading.excepthook = _quiet_closed_loop
    try:
        args.func(args)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - every failure becomes one line (or a traceback with --debug)
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            settings = None
            try:
                settings = Settings()
            except Exception:  # noqa: BLE001 - the settings may be what failed
                pass
            for line in explain(exc, settings).splitlines():  # one line per problem (several bad settings)
                print(f"parlo {args.command}: {line}", file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
