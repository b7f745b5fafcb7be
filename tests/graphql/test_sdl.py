"""schema/schema.graphql is what the dashboard reads: it must be the schema we serve."""

from schema.__main__ import SDL_PATH, sdl


def test_printed_schema_file_is_up_to_date():
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), "run `.venv/bin/python -m schema --write`"
