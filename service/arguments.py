"""What a person types on the command line, turned into what the service works with. A
mistake is refused (NotAllowed) in words that say what to type instead."""

from datetime import date

from scorecard.areas import AreaDirectory, UnknownAreaError
from scorecard.catalogue import Catalogue, Framework
from scorecard.model import PeriodType
from scorecard.periods import Period, latest_complete_quarter, parse_period
from service.errors import NotAllowed


def quarter(text: str | None) -> Period:
    """A financial quarter like 2024-25 Q4; none given is the latest complete one."""
    if text is None:
        return latest_complete_quarter(date.today())
    try:
        period = parse_period(text)
    except ValueError as bad:
        raise NotAllowed(str(bad)) from bad
    if period.type != PeriodType.QUARTER or period.is_snapshot:
        raise NotAllowed(
            f"'{text}' is a {period.type.value.replace('_', ' ')}, not a quarter. "
            "Give a financial quarter like 2024-25 Q4."
        )
    return period


def area_code(areas: AreaDirectory, text: str | None, home: str) -> str:
    """An area by its code, old code or name; none given is the home LA."""
    if text is None:
        return home
    try:
        return areas.resolve_or_raise(text).code
    except UnknownAreaError as unknown:
        raise NotAllowed(str(unknown)) from unknown


def area_name(areas: AreaDirectory, code: str) -> str:
    return areas.get(code).name


def framework(catalogue: Catalogue, text: str) -> Framework:
    found = catalogue.frameworks.get(text)
    if found is None:
        raise NotAllowed(f"There is no outcome framework '{text}'. Choose one of: " + ", ".join(catalogue.frameworks))
    return found


def outcome_id(framework: Framework, text: str | None) -> str | None:
    """An outcome area by its id or its title, spaces or underscores alike."""
    if text is None:
        return None
    wanted = text.strip().lower().replace(" ", "_")
    for outcome in framework.outcome_areas:
        if wanted in (outcome.id, outcome.title.lower().replace(" ", "_")):
            return outcome.id
    choices = ", ".join(f"{outcome.id} ({outcome.title})" for outcome in framework.outcome_areas)
    raise NotAllowed(f"There is no outcome area '{text}' in {framework.id}. Choose one of: {choices}")


def indicator_ids(catalogue: Catalogue, given: list[str] | None) -> set[str]:
    """Indicators by id, alias or NI code."""
    try:
        return {catalogue.get(indicator_id).id for indicator_id in given or []}
    except KeyError as unknown:
        raise NotAllowed(unknown.args[0]) from unknown
