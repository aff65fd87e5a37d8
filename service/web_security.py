"""Sign-in, roles and security headers for the app's Flask server.

Every route and every callback needs sign-in except the sign-in page and /healthz, whenever
any user exists, on any database. With no users, Scorecard opens without sign-in only to this
computer (a loopback address, and a Host header from the setting `allowed_hosts`, so a web page
elsewhere cannot reach it through DNS rebinding), and every page says so; the setting
`open_without_sign_in` opens it to the network too. The session is checked against the
database at every request (service.sessions): the role comes from there, never from the
cookie. Roles are checked again inside each callback that changes data (`require_role`), so
a forged request from a viewer changes nothing. The sign-in and sign-out forms carry a token
only this site's pages know, so another site cannot post them.
"""

import html
import ipaddress
import secrets
from urllib.parse import urlencode

import flask

from scorecard import settings
from service import sessions, sign_in, users
from service.shared import shared

OPEN_PATHS = {"/signin", "/signout", "/healthz"}  # sign-out checks its own form token
def max_request_bytes() -> int:
    """The largest upload (the setting upload_limit_mb) as the upload box sends it, base64-encoded."""
    return settings.value("upload_limit_mb") * 1024 * 1024 * 4 // 3 + 1024 * 1024
MAX_SIGN_IN_BYTES = 16 * 1024  # a sign-in form is a few hundred bytes: more is refused unread
LOCAL_USER = "local analyst"


def _store():
    return shared().store


# Who is asking --------------------------------------------------------------------------------

def sign_in_required() -> bool:
    """Whether this request needs a signed-in user (decided once per request)."""
    if not flask.has_request_context():
        return _needs_sign_in(address_is_local=True)
    if "sign_in_required" not in flask.g:
        flask.g.sign_in_required = _needs_sign_in(_is_loopback(flask.request.remote_addr))
    return flask.g.sign_in_required


def _needs_sign_in(address_is_local: bool) -> bool:
    if settings.value("sign_in") is True or sessions.any_users(_store()):
        return True
    return not (address_is_local or settings.value("open_without_sign_in"))


def sign_in_notice() -> str | None:
    if sign_in_required():
        return None
    if settings.value("open_without_sign_in"):
        return ("Sign-in is off because no users have been added, and this server is open to anyone who can "
                "reach it. Add a user with 'scorecard users add NAME --role admin' to switch sign-in on.")
    return ("Sign-in is off because no users have been added: only this computer can open Scorecard, and "
            "anyone using it can change the data. Add a user with 'scorecard users add NAME --role admin' "
            "to switch sign-in on.")


def signed_in_user() -> dict | None:
    """{username, role} of the session, checked against the database; None if none stands."""
    if not flask.has_request_context():
        return None
    if "signed_in_user" not in flask.g:
        flask.g.signed_in_user = sessions.user_of(_store(), flask.session.get("sid"))
    return flask.g.signed_in_user


def current_username() -> str | None:
    if not sign_in_required():
        return LOCAL_USER
    found = signed_in_user()
    return found["username"] if found else None


def current_role() -> str | None:
    """The signed-in user's role; every role when sign-in is off (one local user)."""
    if not sign_in_required():
        return "admin"
    found = signed_in_user()
    return found["role"] if found else None


def require_role(role: str) -> str:
    """The signed-in user's name if their role is at least `role`; PermissionError if not."""
    if not sign_in_required():
        return LOCAL_USER
    found = signed_in_user()
    if not found or found["role"] not in users.ROLES or not users.has_role(found["role"], role):
        raise PermissionError(f"This needs the {role} role.")
    return found["username"]


def csrf_token() -> str:
    """The token this session's forms carry (made on first use)."""
    if "csrf" not in flask.session:
        flask.session["csrf"] = secrets.token_urlsafe(32)
    return flask.session["csrf"]


def _csrf_ok() -> bool:
    sent, held = flask.request.form.get("csrf") or "", flask.session.get("csrf") or ""
    return bool(held) and secrets.compare_digest(sent.encode(), held.encode())


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _host_allowed() -> bool:
    host = (flask.request.host or "").lower()
    name = host[: host.index("]") + 1] if host.startswith("[") and "]" in host else host.split(":")[0]
    allowed = {part.strip().lower() for part in settings.value("allowed_hosts").split(",") if part.strip()}
    return name in allowed


# The sign-in page -----------------------------------------------------------------------------

SIGN_IN_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Sign in - Scorecard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:Arial,sans-serif;font-size:19px;margin:0;color:#0b0c0c}}header{{background:#0b0c0c;color:#fff;padding:12px 24px;font-size:26px;font-weight:700}}
main{{padding:24px;max-width:640px}}label{{display:block;font-weight:700;margin-top:16px}}input{{font-size:19px;padding:6px;border:2px solid #0b0c0c;width:100%}}
button{{font-size:19px;margin-top:20px;padding:8px 14px;background:#00703c;color:#fff;border:2px solid #00703c}}
input:focus,button:focus{{outline:3px solid #ffdd00;box-shadow:0 4px 0 #0b0c0c}}.error{{border:5px solid #b10e1e;padding:12px}}</style></head>
<body><header>Scorecard</header><main><h1>Sign in</h1>{message}
<form method="post" action="/signin"><input type="hidden" name="next" value="{next}"><input type="hidden" name="csrf" value="{csrf}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" maxlength="63" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form></main></body></html>"""


def _sign_in_page(message: str, target: str, status: int):
    shown = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    body = SIGN_IN_PAGE.format(message=shown, next=html.escape(target), csrf=html.escape(csrf_token()))
    return flask.Response(body, status=status, mimetype="text/html")


def install(app) -> None:
    server = app.server
    server.config.update(
        MAX_CONTENT_LENGTH=max_request_bytes(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.value("https"),
        # The cookie's own expiry; the session itself ends sooner if idle (service.sessions).
        PERMANENT_SESSION_LIFETIME=sessions.lifetime(),
    )
    server.secret_key = sessions.signing_key()

    @server.before_request
    def need_sign_in():
        if flask.request.path == "/healthz":
            return None
        if not sign_in_required() and not _host_allowed():
            return flask.Response("This server answers only to the host names in the setting allowed_hosts.\n",
                                  status=400, mimetype="text/plain")
        if not sign_in_required() or flask.request.path in OPEN_PATHS:
            return None
        if flask.request.path.startswith("/api/v1/"):  # the API checks its own tokens (service/api.py)
            return None
        if signed_in_user() is not None:
            return None
        flask.session.pop("sid", None)  # a session that ended: the cookie is no use any more
        if flask.request.method == "GET" and not flask.request.path.startswith(("/_dash", "/_reload")):
            return flask.redirect("/signin?" + urlencode({"next": sign_in.local_path(flask.request.full_path.rstrip("?"))}))
        return flask.jsonify({"error": "Sign in first."}), 401

    @server.route("/signin", methods=["GET", "POST"])
    def signin():
        if flask.request.method == "GET":
            return _sign_in_page("", sign_in.local_path(flask.request.args.get("next")), 200)
        if (flask.request.content_length or MAX_SIGN_IN_BYTES + 1) > MAX_SIGN_IN_BYTES:
            return flask.Response("A sign-in is a short form: this one is too large.\n", status=413, mimetype="text/plain")
        target = sign_in.local_path(flask.request.form.get("next"))
        if not _csrf_ok():
            return _sign_in_page("The sign-in form had expired. Sign in again.", target, 400)
        tried = sign_in.attempt(_store(), flask.request.form.get("username") or "",
                                flask.request.form.get("password") or "", flask.request.remote_addr)
        if tried.blocked:
            return _sign_in_page(sign_in.wait_words(), target, 429)
        if tried.user is None:
            return _sign_in_page("The username or password is not right.", target, 401)
        sessions.end(_store(), flask.session.get("sid"))  # any earlier session in this browser
        flask.session.clear()  # a new session id and a new form token: nothing carried over
        flask.session.update(sid=sessions.start(_store(), tried.user["username"]), csrf=secrets.token_urlsafe(32))
        flask.session.permanent = True
        return flask.redirect(target)

    @server.route("/signout", methods=["POST"])
    def signout():
        if signed_in_user() is None:  # nothing to end (sign-in off, or the session already ended)
            flask.session.clear()
            return flask.redirect("/signin")
        if not _csrf_ok():
            return flask.Response("Sign out from Scorecard's own pages.\n", status=400, mimetype="text/plain")
        sessions.end(_store(), flask.session.get("sid"))
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
