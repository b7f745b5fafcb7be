"""``X-Twilio-Signature``: proof that a webhook comes from Twilio, checked with twilio's own validator.

The URL signed is the one Twilio called — Parlo's *public* URL. Behind a proxy or a
tunnel the app sees ``http://127.0.0.1:8000/…`` instead, and a check against
``request.url`` would reject every real message; so the public URL is configured
(``PARLO_PUBLIC_URL``) and the path and query of the request are appended to it.
"""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator


def public_request_url(public_url: str, path: str, query: str = "") -> str:
    return f"{public_url.rstrip('/')}{path}" + (f"?{query}" if query else "")


def signature_is_valid(auth_token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    if not signature:
        return False
    return RequestValidator(auth_token).validate(url, dict(params), signature)


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The signature Twilio would send (``parlo chat`` and the tests use it)."""
    return RequestValidator(auth_token).compute_signature(url, dict(params))
