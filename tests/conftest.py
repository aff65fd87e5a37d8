"""Fixtures shared across test files: a real PostgreSQL server, a fresh store on each
backend so the same test runs against DuckDB and PostgreSQL, and headless Chromium."""

import pytest

from scorecard.store import Store


@pytest.fixture(scope="session")
def postgres_server():
    from tests.postgres import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright; one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path):
    """An empty store with the schema created, on each backend in turn."""
    if request.param == "duckdb":
        url = str(tmp_path / "scorecard.duckdb")
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    with Store.open(url, create=True) as opened:  # the DuckDB file kept open for the test
        yield opened
