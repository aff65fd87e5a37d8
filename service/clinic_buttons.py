"""What the clinic's buttons do (the Targets page, actions and commentary on any page). Like
service/actions.py, each asks for the analyst role first (service.access), so a viewer's
forged request changes nothing; choices are checked against the server's lists again."""

from service import access, clinic_actions, clinic_targets, web_security
from service.users import has_role


def may_change() -> bool:
    """Whether the person asking may set targets, actions and commentary (analysts, admins)."""
    role = web_security.current_role()
    return bool(role) and has_role(role, "analyst")


def save_target(service, indicator_id: str, year: str, value, tolerance, agreed_by,
                area: str | None) -> clinic_targets.TargetChange:
    """The Targets page's form. A tolerance is typed as '2' (absolute, in the indicator's unit)
    or '5%' (a percentage of the target); blank keeps the stored tolerance and its type, and
    'none' removes it. A blank 'agreed by' keeps who agreed it."""
    who = access.require_analyst()
    typed = "" if tolerance is None else str(tolerance).strip()
    kind = None
    if typed.endswith("%"):
        typed, kind = typed.removesuffix("%").strip(), "percent"
    elif typed and typed.lower() != "none":
        kind = "absolute"
    return clinic_targets.set_target(
        service, who, indicator_id=indicator_id, value=value, period=year, area=area,
        tolerance=clinic_targets.KEEP if not typed else typed, tolerance_type=kind,
        agreed_by=clinic_targets.KEEP if not (agreed_by or "").strip() else agreed_by,
    )


def add_action(service, indicator_id: str, state: dict, what: str, owner: str, due) -> int:
    who = access.require_analyst()
    return clinic_actions.add_action(service, indicator_id, state.get("area") or service.home,
                                     state.get("period") or None, what, owner, due, who)


def set_action_status(service, action_id: int, state: dict, status: str) -> tuple[dict, dict]:
    who = access.require_analyst()
    return clinic_actions.update_action(service, action_id, who, state.get("period") or None, status=status)
