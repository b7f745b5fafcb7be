"""Single-use login links. Only a SHA-256 of the token is stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, IdMixin, TenantMixin, TimestampsMixin
from storage.models.enums import TokenType, db_enum


class AuthToken(IdMixin, TenantMixin, TimestampsMixin, Base):
    __tablename__ = "auth_tokens"
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_type: Mapped[TokenType] = mapped_column(db_enum(TokenType, "token_type"), default=TokenType.MAGIC_LINK)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
