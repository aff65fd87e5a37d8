"""Sign-in, roles and security headers for the app's Flask server.

Every route and every callback needs sign-in except the sign-in page and /healthz. Roles are
checked again inside each callback that changes data (`require_role`), so a forged request
from a viewer changes nothing. Sign-in is off by default for the single-user embedded DuckDB
database (and every page says so); it is on for PostgreSQL, or with SCORECARD_SIGN_IN=on.
"""

import html
import os
import secrets
import threading
import time
from collections import defaultdict, deque

import flask

from scorecard.store import Store, database_url
from service import users

OPEN_PATHS = {"/signin", "/healthz"}
MAX_REQUEST_BYTES = 70 * 1024 * 1024  # a 50 MB workbook, base64-encoded by the upload box
ATTEMPTS, WINDOW_SECONDS = 5, 300  # failed sign-ins allowed per user and address


def sign_in_required() -> bool:
    setting = os.environ.get("SCORECARD_SIGN_IN", "").lower()
    if setting in ("on", "off"):
        return setting == "on"
    return not database_url(None).startswith("duckdb")


def sign_in_notice() -> str | None:
    if sign_in_required():
        return None
    return "Sign-in is switched off: anyone who can open this page can change the data."


def current_username() -> str | None:
    if not sign_in_required():
        return "local analyst"
    return flask.session.get("user") if flask.has_request_context() else None


def current_role() -> str | None:
    """The signed-in user's role; every role when sign-in is off (one local user)."""
    if not sign_in_required():
        return "admin"
    return flask.session.get("role") if flask.has_request_context() else None


def require_role(role: str) -> str:
    """The signed-in user's name if their role is at least `role`; PermissionError if not."""
    if not sign_in_required():
        return "local analyst"
    user, held = flask.session.get("user"), flask.session.get("role")
    if not user or held not in users.ROLES or not users.has_role(held, role):
        raise PermissionError(f"This needs the {role} role.")
    return user


class _Attempts:
    """Failed sign-ins per (address, username) in a sliding window."""

    def __init__(self):
        self._failures: dict[tuple, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, key: tuple) -> bool:
        with self._lock:
            recent = self._failures[key]
            while recent and recent[0] < time.monotonic() - WINDOW_SECONDS:
                recent.popleft()
            return len(recent) >= ATTEMPTS

    def failed(self, key: tuple) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def cleared(self, key: tuple) -> None:
        with self._lock:
            self._failures.pop(key, None)


SIGN_IN_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Sign in - Scorecard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:Arial,sans-serif;font-size:19px;margin:0;color:#0b0c0c}}header{{background:#0b0c0c;color:#fff;padding:12px 24px;font-size:26px;font-weight:700}}
main{{padding:24px;max-width:640px}}label{{display:block;font-weight:700;margin-top:16px}}input{{font-size:19px;padding:6px;border:2px solid #0b0c0c;width:100%}}
button{{font-size:19px;margin-top:20px;padding:8px 14px;background:#00703c;color:#fff;border:2px solid #00703c}}
input:focus,button:focus{{outline:3px solid #ffdd00;box-shadow:0 4px 0 #0b0c0c}}.error{{border:5px solid #b10e1e;padding:12px}}</style></head>
<body><header>Scorecard</header><main><h1>Sign in</h1>{message}
<form method="post" action="/signin"><input type="hidden" name="next" value="{next}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form></main></body></html>"""


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def install(app, store: Store | None = None) -> None:
    server = app.server
    attempts = _Attempts()
    state = {"store": store}

    def user_store() -> Store:
        if state["store"] is None:
            state["store"] = Store.open(None, create=True)
        return state["store"]

    server.config.update(
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SCORECARD_HTTPS", "on").lower() != "off",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )
    server.secret_key = os.environ.get("SCORECARD_SECRET_KEY") or _stored_secret(user_store)

    @server.before_request
    def need_sign_in():
        if not sign_in_required() or flask.request.path in OPEN_PATHS or flask.session.get("user"):
            return None
        if flask.request.path.startswith("/api/v1/"):  # the API checks its own tokens (service/api.py)
            return None
        if flask.request.method == "GET" and not flask.request.path.startswith(("/_dash", "/_reload")):
            return flask.redirect("/signin?next=" + flask.request.full_path.rstrip("?"))
        return flask.jsonify({"error": "Sign in first."}), 401

    @server.route("/signin", methods=["GET", "POST"])
    def signin():
        message, target = "", _safe_next(flask.request.values.get("next"))
        if flask.request.method == "POST":
            name = (flask.request.form.get("username") or "").strip().lower()
            key = (flask.request.remote_addr, name)
            if attempts.blocked(key):
                message = "Too many attempts. Wait 5 minutes, then try again."
                return SIGN_IN_PAGE.format(message=f'<p class="error" role="alert">{message}</p>', next=html.escape(target)), 429
            found = users.authenticate(user_store(), name, flask.request.form.get("password") or "")
            if found is not None:
                attempts.cleared(key)
                flask.session.clear()
                flask.session.update(user=found["username"], role=found["role"])
                flask.session.permanent = True
                return flask.redirect(target)
            attempts.failed(key)
            message = '<p class="error" role="alert">The username or password is not right.</p>'
        return SIGN_IN_PAGE.format(message=message, next=html.escape(target)), 401 if message else 200

    @server.route("/signout", methods=["POST"])
    def signout():
        flask.session.clear()
        return flask.redirect("/signin")

    @server.after_request
    def headers(response):
        hashes = " ".join(app.csp_hashes())  # already quoted: 'sha256-...'
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' {hashes} 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'self'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if flask.request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


def _stored_secret(user_store) -> str:
    """One session key per database, so every worker and restart accepts the same cookies."""
    return user_store().setting_or_set("session_secret", secrets.token_hex(32))
