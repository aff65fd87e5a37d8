"""The one Views object the pages share, opened on SCORECARD_DB like the command line."""

from functools import lru_cache

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from scorecard.views import Views


@lru_cache(maxsize=1)
def views() -> Views:
    store = Store.open(None, create=True)
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    return Views(store, catalogue, areas)


def current_user() -> str:
    """Who is acting: the signed-in user, or the local analyst when sign-in is off."""
    try:
        from scorecard import web_security
    except ImportError:
        return "local analyst"
    return web_security.current_username() or "local analyst"


def require_analyst() -> str:
    """Refuse a data-changing callback to anyone below analyst; returns who it is."""
    try:
        from scorecard import web_security
    except ImportError:
        return "local analyst"
    return web_security.require_role("analyst")


def sign_in_notice() -> str | None:
    """Said on every page when sign-in is switched off."""
    try:
        from scorecard import web_security
    except ImportError:
        return "Sign-in is switched off: anyone who can open this page can change the data."
    return web_security.sign_in_notice()
