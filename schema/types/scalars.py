"""Our custom scalars, declared the way Strawberry supports: a ``NewType`` for annotations and
its definition in ``StrawberryConfig.scalar_map`` (``SCALAR_MAP``, given to every schema we
build by ``ParloSchema``). Passing the type to ``strawberry.scalar(...)`` is deprecated.
"""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

#: Lexicographic objectives pass 2^31 (and 2^53) on a busy salon: written as a decimal string.
BigInt = NewType("BigInt", int)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt", serialize=lambda v: str(int(v)), parse_value=lambda v: int(v),
        description="An integer of any size, written as a decimal string (\"12345678901234\")."),
}
