"""Signing in as a browser does, for tests that drive the Flask server directly: open the
sign-in page, then post its form with its CSRF token (and its `next`)."""

import html
import re
from urllib.parse import urlencode


def form_token(page_text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page_text)
    return found.group(1) if found else ""


def next_field(page_text: str) -> str:
    found = re.search(r'name="next" value="([^"]*)"', page_text)
    return html.unescape(found.group(1)) if found else ""


def sign_in(test_client, name, password, address="127.0.0.1", next_path=None):
    page = test_client.get("/signin" + (f"?{urlencode({'next': next_path})}" if next_path else ""),
                           base_url="https://localhost", environ_base={"REMOTE_ADDR": address})
    fields = {"username": name, "password": password, "csrf": form_token(page.text),
              "next": next_field(page.text)}
    return test_client.post("/signin", data=fields, base_url="https://localhost", environ_base={"REMOTE_ADDR": address})


def app_signed_in_on(db):
    """The real app on a database with sign-in on, for a module fixture to yield from as
    (app module, db); the shared service is closed and forgotten after."""
    import importlib

    import pytest

    from service.shared import shared

    patch = pytest.MonkeyPatch()
    patch.setenv("SCORECARD_DB", str(db))
    patch.setenv("SCORECARD_SIGN_IN", "on")
    import app as app_module

    shared.cache_clear()
    yield importlib.reload(app_module), db
    shared().store.close()
    shared.cache_clear()
    patch.undo()


def signed_in_client(app_module, name: str, password: str, address: str):
    """A test client signed in as `name` from `address`."""
    client = app_module.server.test_client()
    assert sign_in(client, name, password, address).status_code == 302
    return client
