"""Fixtures shared across test files: a real PostgreSQL server, and a fresh store on each
backend so the same test runs against DuckDB and PostgreSQL."""

import pytest

from scorecard.store import Store


@pytest.fixture(scope="session")
def postgres_server():
    from tests.postgres import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path):
    """An empty store with the schema created, on each backend in turn."""
    if request.param == "duckdb":
        url = str(tmp_path / "scorecard.duckdb")
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    opened = Store.open(url, create=True)
    yield opened
    opened.close()
