"""Whatever goes wrong, the CLI says it in one Spanish line with the fix, and exits 1."""

from __future__ import annotations

import pytest

from tests.parlo.cli_kit import clean_env, parlo


def _one_line(done) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_bad_setting_is_named_with_its_value_and_the_fix(tmp_path):
    line = _one_line(parlo("migrate", cwd=tmp_path, env=clean_env(PARLO_FREE_MONTHLY_BOOKINGS="muchas")))
    assert line.startswith("parlo migrate: configuración inválida:")
    assert "PARLO_FREE_MONTHLY_BOOKINGS=«muchas» debe ser un número entero" in line
    assert ".env" in line and "validation error" not in line


def test_several_bad_settings_are_one_line_each(tmp_path):
    env = clean_env(PARLO_FREE_MONTHLY_BOOKINGS="muchas", PARLO_CLOCK="ayer")
    done = parlo("migrate", cwd=tmp_path, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("parlo migrate: configuración inválida:") for line in lines)
    assert "PARLO_CLOCK=«ayer» no es una fecha y hora ISO-8601" in done.stderr


def test_production_refusals_are_printed_as_written_one_line_each(tmp_path):
    env = clean_env(PARLO_ENV="production", PARLO_CLOCK="2026-01-16T10:00:00-06:00")
    done = parlo("serve", cwd=tmp_path, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "Value error" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) >= 2 and all(line.startswith("parlo serve: ") for line in lines)
    assert any("PARLO_JWT_SECRET" in line for line in lines) and any("PARLO_CLOCK" in line for line in lines)


def test_a_missing_sqlite_folder_says_to_create_it(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'parlo.db'}")
    line = _one_line(parlo("migrate", cwd=tmp_path, env=env))
    assert "no pude abrir el archivo de SQLite" in line and "carpeta" in line


def test_a_missing_postgresql_database_says_how_to_create_it(tmp_path, dialect):
    if dialect != "postgresql":
        pytest.skip("needs a PostgreSQL server to ask")
    from sqlalchemy.engine import make_url

    from tests.conftest import TEST_DATABASE_URL

    url = make_url(TEST_DATABASE_URL).set(database="parlo_no_such_database_x").render_as_string(hide_password=False)
    line = _one_line(parlo("migrate", cwd=tmp_path, env=clean_env(DATABASE_URL=url)))
    assert "la base de datos «parlo_no_such_database_x» no existe" in line
    assert "createdb" in line and "parlo migrate" in line


def test_a_database_nobody_listens_on(tmp_path):
    from tests.parlo.cli_kit import free_port

    url = f"postgresql://postgres@127.0.0.1:{free_port()}/parlo"
    line = _one_line(parlo("migrate", cwd=tmp_path, env=clean_env(DATABASE_URL=url)))
    assert "no pude conectar con PostgreSQL en 127.0.0.1:" in line and "DATABASE_URL" in line


def test_usage_mistakes_are_spanish_too(tmp_path):
    line = _one_line(parlo("token", cwd=tmp_path, env=clean_env()))
    assert line == "parlo token: falta --phone. Ayuda: parlo token --help"
    line = _one_line(parlo("serve", "--port", "ocho", cwd=tmp_path, env=clean_env()))
    assert "--port necesita un número entero" in line
    line = _one_line(parlo("hola", cwd=tmp_path, env=clean_env()))
    assert "no acepta 'hola'" in line


def test_debug_shows_the_traceback(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'no' / 'folder' / 'parlo.db'}")
    done = parlo("--debug", "migrate", cwd=tmp_path, env=env)
    assert done.returncode == 1 and "Traceback" in done.stderr
    done = parlo("migrate", "--debug", cwd=tmp_path, env=env)
    assert done.returncode == 1 and "Traceback" in done.stderr
