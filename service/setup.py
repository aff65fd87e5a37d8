"""Setting Scorecard up for a council: its home LA, its localities and the framework it groups
by first. Each is kept in the database and audited, so the app, the command line, the template
and the pack all read the same (service.council)."""

from dataclasses import dataclass
from pathlib import Path

from loaders.localities import read_localities
from scorecard import settings
from service.application import Service
from service.errors import NotAllowed


@dataclass(frozen=True)
class LocalitiesLoaded:
    layout: str
    counts: dict[str, int]  # kind -> how many

    def described(self) -> str:
        return ", ".join(f"{count} {kind}{'s' * (count != 1)}" for kind, count in self.counts.items())


def home_la(service: Service, text: str) -> str:
    """An LA by name, old code or new code, as its new code; anything else is refused plainly."""
    area = service.areas.resolve(text, level="la")
    if area is None:
        other = service.areas.resolve(text)
        if other is not None:
            raise NotAllowed(f"{other.name} ({other.code}) is not a local authority: the home area must be one.")
        suggestions = service.areas.suggest(text, level="la")
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise NotAllowed(f"No local authority has the name or code {text!r}.{hint}")
    if not area.current:
        successors = ", ".join(f"{s.name} ({s.code})" for s in service.areas.successors(area.code))
        raise NotAllowed(f"{area.name} ({area.code}) no longer exists: set up {successors} instead.")
    return area.code


def set_home(service: Service, text: str, by: str) -> str:
    code = home_la(service, text)
    service.store.set_setting_audited("home_area", code, by)
    service.reload_council()
    return code


def set_framework(service: Service, framework: str, by: str) -> str:
    if framework not in service.catalogue.frameworks:
        raise NotAllowed(f"There is no outcome framework {framework!r}. Choose one of: "
                         + ", ".join(service.catalogue.frameworks))
    service.store.set_setting_audited("framework", framework, by)
    service.reload_council()
    return framework


def load_localities(service: Service, path: Path, by: str, name: str | None = None) -> LocalitiesLoaded:
    """The home LA's localities replaced by those in the file; a file with any problem changes
    nothing and every problem is given, one a line."""
    if not service.is_set_up():
        raise NotAllowed("Set the home area first: scorecard setup --home NAME --localities FILE.")
    if not Path(path).is_file():
        raise NotAllowed(f"{path}: no such file")
    read = read_localities(Path(path), service.home, service.reference_areas, name)
    if read.problems:
        raise NotAllowed("\n".join(str(problem) for problem in read.problems))
    service.store.replace_localities(service.home, read.rows, by, subject=f"{name or Path(path).name} ({read.layout})")
    service.reload_council()
    counts: dict[str, int] = {}
    for row in read.rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return LocalitiesLoaded(read.layout, counts)


def described(service: Service) -> list[tuple[str, str]]:
    """What the council is set up as, for `scorecard setup` with nothing to change."""
    home = service.areas.get(service.home)
    localities = service.areas.localities(service.home)
    kinds: dict[str, int] = {}
    for area in localities:
        kinds[area.kind or "locality"] = kinds.get(area.kind or "locality", 0) + 1
    return [
        ("Home area", f"{home.name} ({home.code})" if service.is_set_up() else "none set up: England is shown"),
        ("Localities", ", ".join(f"{n} {kind}{'s' * (n != 1)}" for kind, n in kinds.items()) or "none"),
        ("Framework", f"{service.default_framework} ({service.catalogue.frameworks[service.default_framework].title})"),
        ("Set by", settings.origin("home_area", service.store)),
    ]
