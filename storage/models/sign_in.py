"""Counters of sign-in attempts, for the rate limits when there is no Redis.

Global, not a tenant table: a counter is keyed by what an attacker varies (an IP address,
a phone number typed on the sign-in page, "the admin"), none of which belongs to one
organization. On Citus it is distributed by ``key`` in a group of its own
(storage.distribute.KEYED_TABLES): every count names its key, so it goes to one node, where a
reference table would write it on every node. Rows are tiny and short-lived: :mod:`storage.sign_in_counters` resets an
expired one on its next hit and sweeps old ones now and then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class SignInCounter(Base):
    __tablename__ = "sign_in_counters"

    #: The `limits` library's key: namespace, action, scope, a keyed hash of who, the window.
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    #: When this window ends; the next hit after it starts a new window at 0.
    expires_at: Mapped[datetime] = mapped_column(index=True)
