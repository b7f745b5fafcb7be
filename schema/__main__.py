"""``python -m schema`` prints the SDL; ``python -m schema --write`` refreshes schema/schema.graphql."""

import sys
from pathlib import Path

from schema.schema import build_schema

SDL_PATH = Path(__file__).with_name("schema.graphql")


def sdl() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    if "--write" in sys.argv:
        SDL_PATH.write_text(sdl(), encoding="utf-8")
    else:
        sys.stdout.write(sdl())
