"""schema/schema.graphql is what the dashboard reads: it must be the schema we serve."""

import subprocess
import sys

from schema.__main__ import SDL_PATH, sdl


def test_printed_schema_file_is_up_to_date():
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), "run `.venv/bin/python -m schema --write`"


def test_building_the_schema_uses_no_deprecated_strawberry_form():
    """Custom scalars live in StrawberryConfig.scalar_map (schema/types/scalars.py): the old
    ``strawberry.scalar(NewType(...))`` form warned on every import. A fresh interpreter, since
    this one imported the schema long ago."""
    code = "from schema.schema import build_schema; build_schema()"
    run = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr[-2000:]
