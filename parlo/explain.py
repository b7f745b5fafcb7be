"""What went wrong, as one line of Spanish that says how to fix it.

The CLI prints these instead of tracebacks (``--debug`` shows the traceback), and
``parlo doctor`` uses the same words for its checks, so a person sees one explanation of a
missing database whichever command found it. Settings messages written in Spanish by
``parlo.settings`` (production refusals) pass through as they are; pydantic's own
field errors are translated here.
"""

from __future__ import annotations

import socket
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import make_url

from storage import DatabaseUnavailable

ENV_HINT = "corrígelo en el entorno o en el archivo .env"

_FIELD_ERRORS = {
    "int_parsing": "debe ser un número entero",
    "int_from_float": "debe ser un número entero",
    "float_parsing": "debe ser un número",
    "bool_parsing": "debe ser true o false",
    "greater_than_equal": "debe ser al menos {ge}",
    "greater_than": "debe ser mayor que {gt}",
    "less_than_equal": "debe ser a lo más {le}",
    "url_parsing": "no es una URL válida (ejemplo: https://api.ejemplo.com)",
    "url_scheme": "debe empezar con http:// o https://",
    "datetime_parsing": "no es una fecha y hora ISO-8601 (ejemplo: 2026-01-15T10:00:00-06:00)",
    "datetime_from_date_parsing": "no es una fecha y hora ISO-8601 (ejemplo: 2026-01-15T10:00:00-06:00)",
    "json_invalid": "no es JSON válido (ejemplo: {{\"booking_confirmation\": \"HX…\"}})",
    "json_type": "no es JSON válido",
    "dict_type": "debe ser un objeto JSON (ejemplo: {{\"booking_confirmation\": \"HX…\"}})",
    "literal_error": "debe ser uno de: {expected}",
    "enum": "debe ser uno de: {expected}",
    "string_type": "debe ser texto",
    "missing": "falta",
}


class CommandError(Exception):
    """An expected failure of a command: its message is the one Spanish line to print."""


def settings_error(exc: ValidationError) -> str:
    """pydantic's dump → one line per problem: ``configuración inválida: VARIABLE=«valor» …, corrígelo …``.

    Our own validators' messages (production refusals, one Spanish sentence each with its
    fix, joined by newlines) are kept as they are, one line each."""
    lines = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "__root__")
        if error["type"] == "value_error":
            reason = str(error.get("ctx", {}).get("error") or error["msg"]).removeprefix("Value error, ")
            for sentence in filter(None, (line.strip() for line in reason.splitlines())):
                lines.append(f"{location}: {sentence}" if location and location not in sentence else sentence)
            continue
        template = _FIELD_ERRORS.get(error["type"])
        reason = template.format(**(error.get("ctx") or {})) if template else error["msg"]
        value = error.get("input")
        shown = f"=«{value}»" if isinstance(value, (str, int, float)) and location else ""
        lines.append(f"configuración inválida: {location.upper()}{shown} {reason} ({ENV_HINT}).")
    return "\n".join(lines)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything behind it (causes, contexts, SQLAlchemy's ``orig``)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend([current.__cause__, current.__context__, getattr(current, "orig", None)])
    return seen


def _where(url: str) -> tuple[str, str, str | None, str | None]:
    """(backend, host:port or file, database name, user) without the password."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001
        return "?", url, None, None
    if parsed.get_backend_name() == "sqlite":
        return "sqlite", parsed.database or ":memory:", parsed.database, None
    return (parsed.get_backend_name(), f"{parsed.host or 'localhost'}:{parsed.port or 5432}", parsed.database,
            parsed.username)


def database_error(exc: BaseException, url: str) -> str | None:
    """One line for a database that cannot be used, or None when ``exc`` is something else."""
    backend, where, name, user = _where(url)
    texts = " | ".join(f"{type(e).__name__}: {e}" for e in _chain(exc))
    lowered = texts.lower()
    if backend == "sqlite":
        if "unable to open database file" in lowered:
            return (f"no pude abrir el archivo de SQLite {where}: revisa que la carpeta exista y se pueda escribir, "
                    "o cambia DATABASE_URL.")
        if "database is locked" in lowered:
            return f"el archivo de SQLite {where} está bloqueado por otro proceso: espera un momento y reintenta."
        if "file is not a database" in lowered:
            return f"{where} no es un archivo de SQLite: cambia DATABASE_URL o mueve ese archivo."
        return None
    if "does not exist" in lowered and f'database "{name}"' in texts:
        return (f"la base de datos «{name}» no existe en {where}: créala con `createdb -h {where.split(':')[0]} "
                f"-p {where.split(':')[1]} -U {user or 'postgres'} {name}` y luego corre `parlo migrate`.")
    if "does not exist" in lowered and f'role "{user}"' in texts:
        return (f"PostgreSQL en {where} no conoce al usuario «{user}»: créalo (`createuser {user}`) o corrige el "
                "usuario en DATABASE_URL.")
    if "password authentication failed" in lowered or "invalidpassword" in lowered:
        return f"PostgreSQL en {where} rechazó la contraseña de «{user}»: corrige la contraseña en DATABASE_URL."
    if any(isinstance(e, socket.gaierror) for e in _chain(exc)):
        return f"no encuentro el servidor de PostgreSQL «{where.split(':')[0]}»: corrige el host en DATABASE_URL."
    if any(isinstance(e, (ConnectionRefusedError, ConnectionResetError, TimeoutError)) for e in _chain(exc)) \
            or "connection refused" in lowered or "connect call failed" in lowered:
        return (f"no pude conectar con PostgreSQL en {where}: revisa que esté encendido y acepte conexiones, "
                "o corrige DATABASE_URL.")
    if "permission denied" in lowered:
        return (f"el usuario «{user}» no tiene permiso en la base de datos «{name}»: dale permisos "
                "(GRANT ALL ON DATABASE …) o usa otro usuario en DATABASE_URL.")
    return None


def redis_error(exc: BaseException, url: str) -> str | None:
    chain = _chain(exc)
    if not any(type(e).__module__.startswith("redis") for e in chain) and \
            not any(isinstance(e, (ConnectionRefusedError, socket.gaierror)) for e in chain):
        return None
    try:
        parsed = make_url(url)
        where = f"{parsed.host or 'localhost'}:{parsed.port or 6379}"
    except Exception:  # noqa: BLE001
        where = "REDIS_URL"
    text = " ".join(str(e) for e in chain).lower()
    if "auth" in text or "password" in text:
        return f"Redis en {where} rechazó la contraseña: corrígela en REDIS_URL."
    return f"no pude conectar con Redis en {where}: revisa que esté encendido, o corrige REDIS_URL."


def explain(exc: BaseException, settings: Any | None = None) -> str:
    """The line for any failure a command hit; unexpected ones point to ``--debug``."""
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return settings_error(exc)
    if settings is not None:
        if (line := database_error(exc, settings.database_url)) is not None:
            return line
        if settings.redis_url and (line := redis_error(exc, settings.redis_url)) is not None:
            return line
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)  # our own words (e.g. "corre `parlo migrate`")
    if isinstance(exc, PermissionError):
        return f"no tengo permiso para {exc.filename or 'ese archivo'}: revisa los permisos de la carpeta."
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename or type(exc).__name__}): revísalo y vuelve a intentar."
    first_line = (str(exc).strip().splitlines() or [""])[0][:200]
    return (f"error inesperado ({type(exc).__name__}: {first_line}). Vuelve a correr el comando con --debug "
            "para ver el detalle y repórtalo.")
