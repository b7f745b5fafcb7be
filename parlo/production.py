"""What production refuses to start with: settings that would fail open.

Each refusal is one Spanish line that names the setting and says why, so the CLI can print
it as it is (no traceback) and the operator knows what to change. Development keeps its
convenient defaults; production must not run on them: a short JWT secret is cracked
offline from any session token, a guessable admin password opens every salon, a missing
Twilio token makes every webhook fail (or, worse, every message only logged), and a
public URL that is not https or points at this machine makes Twilio's signatures never
match.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from parlo.settings import Settings

#: HS256 is only as strong as its key: below 32 bytes, a token is a crackable hash of it.
MIN_JWT_SECRET_BYTES = 32
MIN_ADMIN_PASSWORD_CHARS = 12

#: Passwords of 12 characters or more that appear at the top of leaked-password lists (and
#: their obvious Spanish cousins). Compared without case; a password made of a single
#: repeated character or of consecutive digits is refused as well.
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789123", "111111111111", "000000000000",
    "qwertyuiop12", "qwertyuiopas", "qwerty123456", "1qaz2wsx3edc", "1q2w3e4r5t6y", "zaq12wsxcde3",
    "password1234", "password12345", "password123456", "passwordpassword", "password1234!", "p@ssw0rd1234",
    "iloveyou1234", "letmein12345", "welcome12345", "administrator", "administrator1", "admin1234567",
    "adminadminadmin", "changeme1234", "changemechangeme", "contraseña123", "contraseña1234",
    "contrasena123", "contrasena1234", "contraseñasegura", "administrador", "administrador1",
    "administrador123", "teamo1234567", "tequiero1234", "mexico123456", "mexico2024mx", "abcdefghijkl",
    "abc123456789", "abcd12345678", "parloadmin123", "parlo1234567", "parloparlo12", "barberia1234",
    "superman1234", "football1234", "baseball1234", "princesa1234", "dragon123456", "monkey123456",
})


_UP, _DOWN = "0123456789" * 4, "9876543210" * 4


def _weak_password(password: str) -> bool:
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        return True
    return folded.isdigit() and (folded in _UP or folded in _DOWN)  # 123456789012, 210987654321


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "https":
        return (f"PARLO_PUBLIC_URL ({url}) no es https: Twilio firma sus webhooks contra la URL pública "
                "y en producción solo se aceptan conexiones cifradas.")
    host = (parts.hostname or "").strip("[]").lower()
    if not host:
        return f"PARLO_PUBLIC_URL ({url}) no tiene servidor: pon la dirección https pública con la que Twilio llega."
    loopback = host == "localhost" or host.endswith(".localhost") or host == "0.0.0.0"
    try:
        address = ipaddress.ip_address(host)
        loopback = loopback or address.is_loopback or address.is_unspecified
    except ValueError:
        pass
    if loopback:
        return (f"PARLO_PUBLIC_URL ({url}) apunta a esta misma máquina: Twilio no puede llegar ahí "
                "y todas las firmas de los webhooks fallarían.")
    return None


def production_refusals(settings: "Settings") -> list[str]:
    """Every reason production refuses these settings, one Spanish line each (empty: fine)."""
    found = []
    if settings.clock is not None:
        found.append("PARLO_CLOCK congela la hora para demos y pruebas: en producción no se acepta; quítalo.")
    secret = settings.jwt_secret.get_secret_value()
    if secret == "parlo-development-secret-change-me":
        found.append("PARLO_JWT_SECRET no está puesto: en producción pon un secreto propio de al menos "
                     f"{MIN_JWT_SECRET_BYTES} bytes (por ejemplo `openssl rand -hex 32`).")
    elif len(secret.encode("utf-8")) < MIN_JWT_SECRET_BYTES:
        found.append(f"PARLO_JWT_SECRET es muy corto ({len(secret.encode('utf-8'))} bytes): con menos de "
                     f"{MIN_JWT_SECRET_BYTES} se puede adivinar desde cualquier sesión; usa `openssl rand -hex 32`.")
    if settings.admin_password is not None:
        password = settings.admin_password.get_secret_value()
        if len(password) < MIN_ADMIN_PASSWORD_CHARS:
            found.append(f"PARLO_ADMIN_PASSWORD es muy corta: en producción necesita al menos "
                         f"{MIN_ADMIN_PASSWORD_CHARS} caracteres porque abre todos los negocios.")
        elif _weak_password(password):
            found.append("PARLO_ADMIN_PASSWORD es una contraseña común, de las primeras que se prueban: "
                         "elige otra que nadie pueda adivinar.")
    if settings.twilio_auth_token is None or not settings.twilio_auth_token.get_secret_value().strip():
        found.append("TWILIO_AUTH_TOKEN no está puesto: sin él no se pueden verificar los webhooks de Twilio "
                     "y todos los mensajes que lleguen se rechazarían.")
    if not (settings.twilio_account_sid or "").strip():
        found.append("TWILIO_ACCOUNT_SID no está puesto: sin él ningún mensaje de WhatsApp saldría, "
                     "solo se anotaría en el registro.")
    if settings.twilio_skip_signature:
        found.append("PARLO_TWILIO_SKIP_SIGNATURE apaga la verificación de firmas de Twilio: en producción no "
                     "se acepta; quítalo.")
    if problem := _url_problem(settings.public_url):
        found.append(problem)
    return found
