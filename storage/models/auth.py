"""Single-use login links. Only a SHA-256 of the token is stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin, TimestampsMixin, tenant_fk
from storage.models.enums import TokenType, db_enum


class AuthToken(TenantMixin, TimestampsMixin, Base):
    __tablename__ = "auth_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash", "organization_id"),
        tenant_fk("staff_id", "staff", ondelete="CASCADE"),
    )
    staff_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    #: A SHA-256 of a random token: unique by itself; the constraint adds the tenant key for Citus.
    token_hash: Mapped[str] = mapped_column(String(64))
    token_type: Mapped[TokenType] = mapped_column(db_enum(TokenType, "token_type"), default=TokenType.MAGIC_LINK)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
