"""A database made by the previous Scorecard (schema version 2: no source in the key of
observations and populations) is brought up to date as it is opened, its rows kept."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from scorecard import schema
from scorecard.store import Store
from tests.workbooks import dudley_cla_csv

NEW = ("source", "count_rounding")
RENAMED = ("observation", "observation_revision", "population", "population_revision")


def version_2_database(url: str) -> None:
    old = sa.MetaData()
    for table in schema.metadata.sorted_tables:
        columns = [column._copy() for column in table.columns if not (table.name in RENAMED and column.name in NEW)]
        sa.Table(table.name, old, *columns)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        old.create_all(connection)
        connection.execute(old.tables["schema_version"].insert().values(version=2, applied_at=datetime.now()))
        connection.execute(old.tables["observation"].insert().values(
            indicator_id="cla_rate", area_code="E08000027", period="31 Mar 2025", breakdown="all",
            period_type="financial_year", period_start=date(2025, 3, 31), period_end=date(2025, 3, 31),
            numerator=575.0, denominator=71124.0, value=81.0, status="", load_id=1,
        ))
        connection.execute(old.tables["population"].insert().values(
            area_code="E08000027", mid_year=2024, age_band="0-17", sex="persons", count=71124.0,
            status="", vintage="ONS mid-2024", load_id=1,
        ))
    engine.dispose()


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_version_2_database_is_upgraded_as_it_is_opened(backend, tmp_path, request):
    url = str(tmp_path / "old.duckdb") if backend == "duckdb" else request.getfixturevalue("postgres_server").new_database()
    version_2_database(url if "://" in url else f"duckdb:///{url}")
    with Store.open(url) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION
        kept = store.table(schema.observation)
        assert kept[["numerator", "value", "source"]].values.tolist() == [[575.0, 81.0, ""]]
        assert store.table(schema.population)["source"].tolist() == [""]
        # A load after the upgrade names its source and takes precedence over the unnamed row.
        from loaders.context import LoadContext
        from loaders.pipeline import load_file
        from scorecard import figures
        from scorecard.areas import load_areas
        from scorecard.catalogue import load_catalogue
        from scorecard.reference import sync_reference

        catalogue, areas = load_catalogue(), load_areas()
        sync_reference(store, catalogue, areas)
        path = dudley_cla_csv(tmp_path / "cla.csv", year=2025, children="580", rate="82")
        report = load_file(store, path, LoadContext(catalogue, areas, "E08000027"), user="test")
        assert report.status == "loaded", [str(problem) for problem in report.problems]
        record = figures.observations(store, ["cla_rate"], ["E08000027"], periods=["31 Mar 2025"]).iloc[0]
        assert (record["value"], record["alternatives"]) == (82, 1)


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_version_4_database_keeps_its_townships_and_home_area(backend, tmp_path, request):
    """Before version 5 the townships were written to `area` from a file in the package: they
    become the council's localities, and their LA the home area, so it shows as before."""
    url = str(tmp_path / "old.duckdb") if backend == "duckdb" else request.getfixturevalue("postgres_server").new_database()
    Store.open(url, create=True).close()
    engine = sa.create_engine(url if "://" in url else f"duckdb:///{url}")
    with engine.begin() as connection:  # as Scorecard with schema version 4 left it
        connection.execute(sa.text("DROP TABLE locality"))
        connection.execute(schema.schema_version.delete())
        connection.execute(schema.schema_version.insert().values(version=4, applied_at=datetime.now()))
        connection.execute(schema.area.insert(), [
            {"code": "E08000027", "name": "Dudley", "level": "la", "parent_code": "E12000005"},
            {"code": "E08000027-HAL", "name": "Halesowen", "level": "local", "parent_code": "E08000027"},
            {"code": "E08000027-SED", "name": "Sedgley", "level": "local", "parent_code": "E08000027"},
        ])
    engine.dispose()
    with Store.open(url) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION
        assert [(row["code"], row["la_code"]) for row in store.localities()] == [
            ("E08000027-HAL", "E08000027"), ("E08000027-SED", "E08000027")]
        assert store.setting("home_area") == "E08000027"
