"""Benchmark indicators loaded from LAIT: not on the scorecard, but listed on the Indicators
page and shown on the indicator page like any other. The loader keeps them in the store."""

from layouts._service import views
from scorecard.catalogue import Catalogue, Indicator
from scorecard.views import Views


def benchmarks() -> list[Indicator]:
    from loaders.lait import benchmark_indicators

    return benchmark_indicators(views().store)


def with_benchmarks() -> Catalogue:
    return views().catalogue.with_extra(benchmarks())


def benchmark_views(indicator_id: str | None) -> tuple[Views, Indicator] | None:
    """Views that know this benchmark indicator, and the indicator; None if it is not one."""
    service = views()
    catalogue = with_benchmarks()
    found = catalogue.indicators.get(indicator_id)
    if found is None or not found.is_benchmark:
        return None
    return Views(service.store, catalogue, service.areas, service.home), found


def matching(indicators: list[Indicator], text: str | None) -> list[Indicator]:
    """The same search as the catalogue's (every word somewhere), with LAIT's own code too."""
    words = (text or "").lower().split()
    return [
        indicator for indicator in indicators
        if all(word in " ".join([indicator.id, indicator.title, indicator.short_title, indicator.definition or "",
                                 indicator.lait_code or "", indicator.source or ""]).lower() for word in words)
    ]
