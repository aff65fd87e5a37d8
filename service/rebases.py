"""SPC rebases: an analyst records that a process changed (a new service, a new definition),
so the control limits start again from a period. Never automatic; dated, reasoned, audited."""

from scorecard.periods import parse_period
from scorecard.signals import SPC_PERIODS
from service.application import Service
from service.errors import NotAllowed


def listed(service: Service, indicator_id: str | None = None, area: str | None = None) -> list[dict]:
    indicator = service.checked_indicator(indicator_id).id if indicator_id else None
    code = service.checked_area(area) if area else None
    return service.store.spc_rebases(indicator, code)


def add(service: Service, indicator_id: str, period: str, reason: str, *, area: str | None, by: str) -> dict:
    """Record a rebase; NotAllowed, in plain words, for anything that cannot be one."""
    indicator, code, label = _checked(service, indicator_id, period, area)
    if not reason or not reason.strip():
        raise NotAllowed("Say why the process changed (--reason): a rebase without a reason cannot be reviewed.")
    if any(found["period"] == label for found in service.store.spc_rebases(indicator.id, code)):
        raise NotAllowed(f"{indicator.short_title} is already rebased from {label} for {service.areas.get(code).name}.")
    service.store.add_spc_rebase(indicator.id, code, label, reason.strip(), by)
    return {"indicator_id": indicator.id, "area_code": code, "period": label, "reason": reason.strip()}


def remove(service: Service, indicator_id: str, period: str, *, area: str | None, by: str) -> None:
    indicator, code, label = _checked(service, indicator_id, period, area)
    if not service.store.remove_spc_rebase(indicator.id, code, label, by):
        raise NotAllowed(f"{indicator.short_title} has no rebase from {label} for {service.areas.get(code).name}.")


def _checked(service: Service, indicator_id: str, period: str, area: str | None):
    indicator = service.checked_indicator(indicator_id)
    try:
        parsed = parse_period(period)
    except ValueError as problem:
        raise NotAllowed(f"{period!r} is not a period: {problem}") from None
    if parsed.type.value not in SPC_PERIODS:
        raise NotAllowed(f"SPC charts are of quarterly and monthly figures: give the quarter, month or "
                         f"quarter-end date the new limits start from, not {parsed.label}.")
    return indicator, service.checked_area(area), parsed.label
