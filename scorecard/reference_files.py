"""Where the reference data Scorecard ships is read from (the indicator catalogue, the sources,
the exception rule, the areas): data/ beside the code in a source checkout, and the same files
inside the package once installed (pyproject.toml maps data/ to scorecard/data in the wheel).
The database and uploads are never written here: they go to the setting data_folder."""

from pathlib import Path

_INSTALLED = Path(__file__).resolve().parent / "data"
_CHECKOUT = Path(__file__).resolve().parent.parent / "data"
FOLDER = _INSTALLED if (_INSTALLED / "indicators.yaml").is_file() else _CHECKOUT
