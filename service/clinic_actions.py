"""Actions on exceptions, as the performance clinic agrees them (issue 16, point 3): what, who
owns it and when it is due. Not service/actions.py, which is what the pages' buttons do.

An action is raised in a quarter and carried to each later quarter until it is marked done;
it is overdue when it is still open after its due date (worked out, never stored). Every
change is in the audit log with before and after.
"""

from dataclasses import dataclass
from datetime import date

from scorecard.periods import Period
from service.errors import NotAllowed

STATUSES = ("open", "done")
MAX_WORDS = 500  # an action is a line or two, not a report


@dataclass
class ActionView:
    id: int
    indicator_id: str
    what: str
    owner: str
    due: date
    status: str  # open, done or overdue
    raised_quarter: str
    carried: bool  # raised in an earlier quarter and still open
    updated_by: str
    updated_at: object

    def words(self) -> str:
        """The action in one line, for slides, packs and notes."""
        return f"Action ({self.status}): {self.what} — {self.owner}, due {self.due:%d %b %Y}."


def add_action(service, indicator_id: str, area: str, quarter: str, what: str, owner: str, due, who: str) -> int:
    """Raise an action on an indicator for an area in a quarter; its id."""
    indicator = service.checked_indicator(indicator_id)
    if indicator.is_benchmark:
        raise NotAllowed(f"'{indicator_id}' is a benchmark indicator, not on the scorecard: actions go on the "
                         "scorecard's own indicators.")
    period = service.checked_quarter(quarter)
    fields = {
        "indicator_id": indicator.id, "area_code": service.checked_area(area),
        "raised_quarter": period.label, "raised_start": period.start,
        "what": _text(what, "what is to be done"), "owner": _text(owner, "who owns it"), "due": _date(due),
    }
    return service.store.add_action(fields, who)


def update_action(service, action_id: int, who: str, quarter: str | None = None, *, what=None, owner=None,
                  due=None, status: str | None = None) -> tuple[dict, dict]:
    """Change what was asked; marking it done records the quarter it was done in (the page's
    quarter), so earlier quarters still show it and later ones do not."""
    changes = {}
    if what is not None:
        changes["what"] = _text(what, "what is to be done")
    if owner is not None:
        changes["owner"] = _text(owner, "who owns it")
    if due is not None:
        changes["due"] = _date(due)
    if status is not None:
        if status not in STATUSES:
            raise NotAllowed(f"'{status}' is not a status. Choose open or done (overdue is worked out from the "
                             "due date).")
        changes["status"] = status
        if status == "done":
            period = service.checked_quarter(quarter)
            changes.update(done_quarter=period.label, done_start=period.start)
        else:
            changes.update(done_quarter=None, done_start=None)
    try:
        found = service.store.update_action(int(action_id), changes, who)
    except (TypeError, ValueError) as bad:
        raise NotAllowed(f"'{action_id}' is not an action number.") from bad
    if found is None:
        raise NotAllowed(f"There is no action {action_id}.")
    return found


def actions_in(service, area: str, quarter: Period, indicator_ids: list[str] | None = None,
               today: date | None = None) -> list[ActionView]:
    """The actions shown for a quarter: raised in it or earlier, and not done before it."""
    today = today or date.today()
    shown = []
    for row in service.store.actions_for(area, indicator_ids):
        raised = _day(row["raised_start"])
        done = _day(row["done_start"]) if row["done_start"] is not None else None
        if raised > quarter.start or (done is not None and done < quarter.start):
            continue
        due = _day(row["due"])
        status = row["status"]
        if status == "open" and due < today:
            status = "overdue"
        shown.append(ActionView(
            id=int(row["id"]), indicator_id=row["indicator_id"], what=row["what"], owner=row["owner"], due=due,
            status=status, raised_quarter=row["raised_quarter"], carried=raised < quarter.start and status != "done",
            updated_by=row["updated_by"], updated_at=row["updated_at"],
        ))
    return shown


def on_scorecard(service, card) -> dict[str, list[ActionView]]:
    """The actions shown with a scorecard's quarter, by indicator: for the deck and the packs."""
    return by_indicator(actions_in(service, card.area.code, card.quarter))


def by_indicator(actions: list[ActionView]) -> dict[str, list[ActionView]]:
    grouped: dict[str, list[ActionView]] = {}
    for action in actions:
        grouped.setdefault(action.indicator_id, []).append(action)
    return grouped


def _text(value, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise NotAllowed(f"Say {what}.")
    if len(text) > MAX_WORDS:
        raise NotAllowed(f"Keep {what} to {MAX_WORDS} characters.")
    return text


def _date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError as bad:
        raise NotAllowed(f"'{value or ''}' is not a date: give the due date like 2026-03-31.") from bad


def _day(value) -> date:
    """A date from the store (DuckDB and PostgreSQL give date; pandas may give a Timestamp)."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value

