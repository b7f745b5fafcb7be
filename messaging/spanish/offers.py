"""A business's service list as an owner types it during onboarding or when adding services.

    Corte de cabello $150 45 min
    Barba - $100 (30 min)
    Corte y barba: 220 pesos, 1 hora

One service per line (or per ";", or per "," when everything is on one line and the
commas do not sit inside a price). In each item: a price (``$150``, ``$1,250``,
``150 pesos``, or a bare number that is not a duration), a duration (``45 min``, ``1
hora``, ``1.5 hr``, ``hora y media``, ``1h30``), and what is left is the name, with its
first letter capitalised and the owner's spelling kept ("Corte y barba" stays one
service: "y" never splits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ServiceOffer", "parse_service_list"]


@dataclass(frozen=True, slots=True)
class ServiceOffer:
    name: str
    price_centavos: int | None = None
    minutes: int | None = None


_DURATION_RE = re.compile(
    r"(?P<compact_hours>\d{1,2})\s*h\s*(?P<compact_minutes>\d{2})\b"  # 1h30
    r"|(?P<hours>\d{1,2}(?:[.,]\d{1,2})?)\s*(?:h|hr|hrs|hora|horas)\b"
    r"(?:\s*y\s*(?:(?P<half>media)|(?P<extra>\d{1,2})\s*(?:min|mins|minutos)?\b)|\s+(?P<more>\d{1,2})\s*(?:min|mins|minutos)\b)?"
    r"|(?P<minutes>\d{1,3})\s*(?:min|mins|minutos|m)\b"
    r"|(?P<hour_and_half>(?:una\s+)?hora\s+y\s+media)"
    r"|(?P<half_hour>media\s+hora)"
    r"|(?P<one_hour>una\s+hora)",
    re.IGNORECASE,
)
_MARKED_PRICE_RE = re.compile(
    r"\$\s*(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
    r"|(?P<amount_pesos>\d{1,3}(?:,\d{3})+|\d+(?:\.\d{1,2})?)\s*(?:pesos|mxn|varos)\b",
    re.IGNORECASE,
)
_BARE_PRICE_RE = re.compile(r"(?<![\d.,:])(?P<amount>\d{2,5}(?:\.\d{1,2})?)(?![\d.,:])")
_ITEM_SPLIT_RE = re.compile(r"\n|;|•|(?<!\d),|,(?!\d{3}\b)")
_LEADING_BULLET_RE = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s*")
_CONNECTORS_RE = re.compile(
    r"(?:^|\s)(?:cuesta|cuestan|vale|a|en|de|por|precio|duracion|duración|dura|tarda|y|con|el|la)\s*$", re.IGNORECASE
)


def _minutes(match: re.Match[str]) -> int:
    if match.group("compact_hours"):
        return int(match.group("compact_hours")) * 60 + int(match.group("compact_minutes"))
    if match.group("hours"):
        hours = float(match.group("hours").replace(",", "."))
        extra = 30 if match.group("half") else int(match.group("extra") or match.group("more") or 0)
        return round(hours * 60) + extra
    if match.group("minutes"):
        return int(match.group("minutes"))
    if match.group("hour_and_half"):
        return 90
    if match.group("half_hour"):
        return 30
    return 60


def _price(match: re.Match[str]) -> int:
    raw = next(group for group in match.groups() if group)
    return round(float(raw.replace(",", "")) * 100)


def _clean_name(text: str) -> str:
    text = re.sub(r"[()\[\]:=|]", " ", text)
    text = re.sub(r"\s+[-–—]\s+|\s+[-–—]$|^[-–—]\s+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" -–—,.")
    while True:
        trimmed = _CONNECTORS_RE.sub("", text).strip(" -–—,.")
        if trimmed == text:
            break
        text = trimmed
    return text[:1].upper() + text[1:]


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end():]


def _offer(item: str) -> ServiceOffer:
    """Price marked with "$"/"pesos" first (so "$1,800" is no duration), then the duration,
    then a bare number as the price (so "45 min" is no price)."""
    text = _LEADING_BULLET_RE.sub("", item)
    price = minutes = None
    if marked := _MARKED_PRICE_RE.search(text):
        price, text = _price(marked), _cut(text, marked)
    if duration := _DURATION_RE.search(text):
        minutes, text = _minutes(duration), _cut(text, duration)
    if price is None and (bare := _BARE_PRICE_RE.search(text)):
        price, text = _price(bare), _cut(text, bare)
    return ServiceOffer(_clean_name(text), price, minutes)


def parse_service_list(text: str) -> tuple[ServiceOffer, ...]:
    """The services in the owner's list, in order, with price and duration when given.

    A piece with no name ("…220 pesos, 1 hora") completes the service before it. Names
    alone count only as a list ("corte, barba, tinte") or next to priced items, so a lone
    "hola" is not a service.
    """
    offers: list[ServiceOffer] = []
    for item in _ITEM_SPLIT_RE.split(text):
        if not item.strip():
            continue
        offer = _offer(item)
        if not any(ch.isalpha() for ch in offer.name):
            if offers and (offer.price_centavos is not None or offer.minutes is not None):
                last = offers[-1]
                offers[-1] = ServiceOffer(
                    last.name,
                    last.price_centavos if last.price_centavos is not None else offer.price_centavos,
                    last.minutes if last.minutes is not None else offer.minutes,
                )
            continue
        offers.append(offer)
    described = any(offer.price_centavos is not None or offer.minutes is not None for offer in offers)
    if len(offers) < 2 and not described:
        return ()
    return tuple(offers)
