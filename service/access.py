"""Who is asking, for the pages: every data-changing callback asks here for the role it needs,
so a forged request from a viewer changes nothing (service.web_security keeps the session)."""

from service import web_security


def require_analyst() -> str:
    """Refuse anyone below analyst (commentary, upload, revert); returns who it is."""
    return web_security.require_role("analyst")


def require_admin() -> str:
    """Refuse anyone below admin (the audit log); returns who it is."""
    return web_security.require_role("admin")


def signed_in() -> tuple[str, str] | None:
    """Who is signed in and their role, for the header; None when sign-in is off."""
    if not web_security.sign_in_required():
        return None
    user, role = web_security.current_username(), web_security.current_role()
    return (user, role) if user and role else None


def form_token() -> str:
    """The token the sign-out form carries, so no other site can sign anyone out."""
    return web_security.csrf_token()


def is_admin() -> bool:
    try:
        web_security.require_role("admin")
    except PermissionError:
        return False
    return True


def sign_in_notice() -> str | None:
    """Said on every page when sign-in is switched off."""
    return web_security.sign_in_notice()
