"""The one Views object the pages share, opened on SCORECARD_DB like the command line."""

import importlib
import importlib.util
import time
from functools import lru_cache

import sqlalchemy as sa

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from scorecard.views import Views


@lru_cache(maxsize=1)
def views() -> Views:
    store = Store.open(None, create=True)
    catalogue, areas = load_catalogue(), load_areas()
    for attempt in range(5):  # gunicorn workers start together and may race to write it
        try:
            sync_reference(store, catalogue, areas)
            break
        except sa.exc.DBAPIError:
            time.sleep(0.2 * (attempt + 1))
    return Views(store, catalogue, areas)


def web_security():
    """scorecard.web_security if it exists; a fault inside it is raised, never hidden."""
    if importlib.util.find_spec("scorecard.web_security") is None:
        return None
    return importlib.import_module("scorecard.web_security")


def require_analyst() -> str:
    """Refuse a data-changing callback to anyone below analyst; returns who it is.
    The one place every data-changing callback (commentary, upload, revert) asks."""
    security = web_security()
    return security.require_role("analyst") if security else "local analyst"


def require_admin() -> str:
    """Refuse anyone below admin (the audit log); returns who it is."""
    security = web_security()
    return security.require_role("admin") if security else "local admin"


def signed_in() -> tuple[str, str] | None:
    """Who is signed in and their role, for the header; None when sign-in is off."""
    security = web_security()
    if security is None or not security.sign_in_required():
        return None
    user, role = security.current_username(), security.current_role()
    return (user, role) if user and role else None


def is_admin() -> bool:
    security = web_security()
    if security is None:
        return True
    try:
        security.require_role("admin")
    except PermissionError:
        return False
    return True


def sign_in_notice() -> str | None:
    """Said on every page when sign-in is switched off."""
    security = web_security()
    if security is None:
        return "Sign-in is switched off: anyone who can open this page can change the data."
    return security.sign_in_notice() if hasattr(security, "sign_in_notice") else None
