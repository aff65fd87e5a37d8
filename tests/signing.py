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
