"""``UNSET`` (field not sent) means "leave as is"; ``None`` (sent as null) may mean "clear"."""

from typing import Any

from strawberry import UNSET


def given(value: Any) -> Any:
    return None if value is UNSET else value


def was_sent(value: Any) -> bool:
    return value is not UNSET
