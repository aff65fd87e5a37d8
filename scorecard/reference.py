"""Reference data in the store: the catalogue's indicators and outcome areas, and the areas."""

from scorecard.areas import AreaDirectory
from scorecard.catalogue import Catalogue, Indicator
from scorecard.model import MeasureType, PeriodType, Polarity, Unit
from scorecard.store import Store


def indicator_rows(catalogue: Catalogue) -> list[dict]:
    return [
        {
            "id": indicator.id,
            "title": indicator.title,
            "short_title": indicator.short_title,
            "polarity": indicator.polarity.value,
            "unit": indicator.unit.value,
            "multiplier": indicator.multiplier,
            "decimals": indicator.decimals,
            "period_type": indicator.period_type.value,
            "measure_type": indicator.measure_type.value,
            "population_age_band": indicator.population_age_band,
            "population_sex": indicator.population_sex,
            "definition": indicator.definition,
            "source": indicator.source,
            "ni_code": indicator.ni_code,
            "lait_code": indicator.lait_code,
            "has_localities": indicator.has_localities,
            "is_benchmark": indicator.is_benchmark,
        }
        for indicator in catalogue
    ]


def sync_reference(store: Store, catalogue: Catalogue, areas: AreaDirectory, attempts: int = 1) -> None:
    """Write the catalogue and the areas into the store; safe to repeat (Store.replace_reference
    says what `attempts` is for)."""
    store.replace_reference({
        "indicator": indicator_rows(catalogue),
        "outcome_area": [
            {
                "framework": framework.id,
                "id": outcome.id,
                "framework_title": framework.title,
                "title": outcome.title,
                "position": outcome.position,
            }
            for framework in catalogue.frameworks.values()
            for outcome in framework.outcome_areas
        ],
        "indicator_outcome": [
            {"indicator_id": indicator.id, "framework": framework, "outcome_area_id": area_id}
            for indicator in catalogue
            for framework, area_id in indicator.outcomes.items()
        ],
        "area": [
            {
                "code": area.code,
                "name": area.name,
                "level": area.level,
                "old_code": area.old_code,
                "region_code": area.region_code,
                "parent_code": area.parent_code,
                "la_type": area.la_type,
            }
            for area in areas.all()
        ],
    }, attempts)


def benchmark_indicators(store: Store) -> list[Indicator]:
    """The benchmark indicators loaded so far (LAIT's measures, and those of EES and Fingertips files
    that no catalogue indicator takes), for `Catalogue.with_extra`."""
    return [
        Indicator(
            id=row["id"], title=row["title"], short_title=row["short_title"], outcomes={},
            polarity=Polarity(row["polarity"]), unit=Unit(row["unit"]), multiplier=int(row["multiplier"]),
            population_age_band=None, population_sex=None, period_type=PeriodType(row["period_type"]),
            measure_type=MeasureType(row["measure_type"]), decimals=int(row["decimals"]),
            definition=row["definition"], source=row["source"], ni_code=None, aliases=(),
            lait_code=row["lait_code"], has_localities=False, is_benchmark=True,
        )
        for row in store.benchmark_indicators()
    ]
