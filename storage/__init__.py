"""Parlo's database: SQLAlchemy models, engines and session factories, migrations.

Nothing here knows about GraphQL, WhatsApp or the solver. It holds the rows and the
guarantees the database itself can prove (DESIGN.md, "Guarantees"):

* checks on every table (start < end, durations > 0, prices >= 0, ...),
* uniqueness of staff and customer phones per organization and of provider message ids,
* on PostgreSQL, an ``EXCLUDE USING gist`` constraint on :class:`Occupancy` so that no
  staff member or spot is ever in two appointments at once, even across processes.

On SQLite the same no-overlap rule is kept by serialising schedule writes
(:attr:`Database.write_session` opens ``BEGIN IMMEDIATE`` transactions) and checking
inside the transaction.
"""

from storage.columns import NamedColumns
from storage.database import (
    Database,
    DatabaseUnavailable,
    is_exclusion_violation,
    is_retryable_conflict,
    is_unique_violation,
)
from storage.models import *  # noqa: F401,F403  (the model classes are the package's API)
from storage.models import __all__ as _model_names

__all__ = [
    "Database",
    "DatabaseUnavailable",
    "NamedColumns",
    "is_exclusion_violation",
    "is_retryable_conflict",
    "is_unique_violation",
    *_model_names,
]

import storage.catalog_version  # noqa: E402,F401  (registers the hooks that version a salon's catalog)
import storage.references  # noqa: E402,F401  (registers the flush hooks: SET NULL by hand, number routing)
