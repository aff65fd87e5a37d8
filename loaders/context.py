"""What a loader needs to know besides the file: the catalogue, the areas, the home LA."""

from dataclasses import dataclass

from scorecard.areas import AreaDirectory
from scorecard.catalogue import Catalogue


@dataclass(frozen=True)
class LoadContext:
    catalogue: Catalogue
    areas: AreaDirectory
    home_area: str  # the LA a council workbook's figures belong to
    # The store being loaded into, when there is one: lets checks compare with earlier figures.
    store: object = None
