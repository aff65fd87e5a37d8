"""The database schema: the nouns of DESIGN.md as SQLAlchemy Core tables.

Observations, populations, targets and comparator groups are versioned: each row carries
the load that wrote it, and a row a later load revises is moved, unchanged, to the
matching `*_revision` table with the load that superseded it. Reverting a load is then
exact: delete what it wrote, move back what it superseded.
"""

import sqlalchemy as sa

# 2: users and the audit log. 3: every observation and population names its source, and
# several sources may give one figure. 4: API tokens. 5: SPC rebases; board packs, frozen as
# presented; the home LA's localities (wards, townships, area partnerships) as the analyst
# loads them; who agreed each target, and the clinic's actions on exceptions; each load's
# warnings in full (load_warning); sign-in sessions and failed sign-in attempts, kept in the
# database so every worker sees them. create_schema adds missing tables, then records the version.
SCHEMA_VERSION = 5

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

setting = sa.Table(
    "setting",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)

indicator = sa.Table(
    "indicator",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("short_title", sa.String, nullable=False),
    sa.Column("polarity", sa.String, nullable=False),
    sa.Column("unit", sa.String, nullable=False),
    sa.Column("multiplier", sa.Integer, nullable=False),
    sa.Column("decimals", sa.Integer, nullable=False),
    sa.Column("period_type", sa.String, nullable=False),
    sa.Column("measure_type", sa.String, nullable=False),
    sa.Column("population_age_band", sa.String),
    sa.Column("population_sex", sa.String),
    sa.Column("definition", sa.String, nullable=False),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("ni_code", sa.String),
    sa.Column("lait_code", sa.String),
    sa.Column("has_localities", sa.Boolean, nullable=False),
    # Benchmark indicators come from LAIT's dictionary rather than the catalogue file.
    sa.Column("is_benchmark", sa.Boolean, nullable=False),
)

outcome_area = sa.Table(
    "outcome_area",
    metadata,
    sa.Column("framework", sa.String, primary_key=True),
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("framework_title", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)

indicator_outcome = sa.Table(
    "indicator_outcome",
    metadata,
    sa.Column("indicator_id", sa.String, primary_key=True),
    sa.Column("framework", sa.String, primary_key=True),
    sa.Column("outcome_area_id", sa.String, nullable=False),
)

area = sa.Table(
    "area",
    metadata,
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("level", sa.String, nullable=False),  # england, region, la, local
    sa.Column("old_code", sa.String),
    sa.Column("region_code", sa.String),
    sa.Column("parent_code", sa.String),
    sa.Column("la_type", sa.String),
)

# Publisher, dataset and release of the figures a load wrote (scorecard/provenance.py).
source = sa.Table(
    "source",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("publisher", sa.String, nullable=False),
    sa.Column("dataset", sa.String, nullable=False),
    sa.Column("release", sa.String, nullable=False),
    sa.Column("kind", sa.String, nullable=False),  # official, compilation, local, demo
    sa.Column("title", sa.String, nullable=False),
)

load_seq = sa.Sequence("load_id_seq")
load = sa.Table(
    "load",
    metadata,
    sa.Column("id", sa.Integer, load_seq, primary_key=True, server_default=load_seq.next_value()),
    sa.Column("file_name", sa.String, nullable=False),
    sa.Column("sha256", sa.String, nullable=False),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("user_name", sa.String, nullable=False),
    sa.Column("loaded_at", sa.DateTime, nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("rows_new", sa.Integer, nullable=False),
    sa.Column("rows_revised", sa.Integer, nullable=False),
    sa.Column("rows_unchanged", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("status", sa.String, nullable=False),  # loaded, reverted
    sa.Column("reverted_at", sa.DateTime),
    sa.Column("note", sa.String),
)


def _versioned(name: str, key: list[tuple], values: list[tuple]) -> tuple[sa.Table, sa.Table]:
    """A table of current rows and its revision table of superseded rows.

    key: (name, type) pairs; values: (name, type, nullable) triples.
    """
    key_columns = [sa.Column(column, kind, nullable=False) for column, kind in key]
    current = sa.Table(
        name,
        metadata,
        *[sa.Column(column, kind, primary_key=True, autoincrement=False) for column, kind in key],
        *[sa.Column(column, kind, nullable=nullable) for column, kind, nullable in values],
        sa.Column("load_id", sa.Integer),
    )
    revision_seq = sa.Sequence(f"{name}_revision_id_seq")
    revision = sa.Table(
        f"{name}_revision",
        metadata,
        sa.Column(
            "revision_id", sa.Integer, revision_seq, primary_key=True,
            server_default=revision_seq.next_value(),
        ),
        *key_columns,
        *[sa.Column(column, kind, nullable=nullable) for column, kind, nullable in values],
        sa.Column("load_id", sa.Integer),
        sa.Column("superseded_by_load", sa.Integer, nullable=False),
    )
    return current, revision


observation, observation_revision = _versioned(
    "observation",
    key=[
        ("indicator_id", sa.String),
        ("area_code", sa.String),
        ("period", sa.String),
        ("breakdown", sa.String),  # 'all', or e.g. 'age 0-4'
        ("source", sa.String),  # a source's id: several sources may give the same figure
    ],
    values=[
        ("period_type", sa.String, False),
        ("period_start", sa.Date, False),
        ("period_end", sa.Date, False),
        ("numerator", sa.Double, True),
        ("denominator", sa.Double, True),
        ("value", sa.Double, True),
        ("status", sa.String, False),  # '' for a value, else a symbol
        # The publisher rounded the counts (to 5 or 10): they never recompute its figure.
        ("count_rounding", sa.Integer, True),
    ],
)

population, population_revision = _versioned(
    "population",
    key=[
        ("area_code", sa.String),
        ("mid_year", sa.Integer),
        ("age_band", sa.String),  # '0-17', '10-17', '15-17'
        ("sex", sa.String),  # persons, female, male
        ("source", sa.String),  # estimates are revised: each release is kept
    ],
    values=[
        ("count", sa.Double, True),
        ("status", sa.String, False),
        ("vintage", sa.String, False),  # which ONS release
    ],
)

target, target_revision = _versioned(
    "target",
    key=[
        ("indicator_id", sa.String),
        ("area_code", sa.String),
        ("period", sa.String),  # a financial year such as '2024-25'
    ],
    values=[
        ("value", sa.Double, False),
        ("tolerance", sa.Double, True),
        ("tolerance_type", sa.String, False),  # absolute, percent
    ],
)

comparator, comparator_revision = _versioned(
    "comparator",
    key=[
        ("model", sa.String),  # e.g. 'sn_2021', 'sn_2025'
        ("area_code", sa.String),
        ("member_code", sa.String),
    ],
    values=[
        ("position", sa.Integer, False),
        ("closeness", sa.String, True),
    ],
)

VERSIONED = {
    "observation": (observation, observation_revision),
    "population": (population, population_revision),
    "target": (target, target_revision),
    "comparator": (comparator, comparator_revision),
}

commentary_seq = sa.Sequence("commentary_id_seq")
commentary = sa.Table(
    "commentary",
    metadata,
    sa.Column(
        "id", sa.Integer, commentary_seq, primary_key=True,
        server_default=commentary_seq.next_value(),
    ),
    sa.Column("indicator_id", sa.String, nullable=False),
    sa.Column("area_code", sa.String, nullable=False),
    sa.Column("period", sa.String, nullable=False),
    sa.Column("text", sa.String, nullable=False),
    sa.Column("author", sa.String, nullable=False),
    sa.Column("written_at", sa.DateTime, nullable=False),
    # Earlier versions stay; the newest per indicator, area and period is current.
    sa.Column("supersedes", sa.Integer),
    sa.Column("load_id", sa.Integer),
)

# PostgreSQL only: DuckDB's plans never read this two-column index (they scan the table,
# even for indicator and period_end equal to given values), yet every load there paid to
# maintain it: a sixth of writing LAIT's 640,900 rows. DuckDB files made earlier keep theirs.
sa.Index("observation_by_period", observation.c.indicator_id, observation.c.period_end).ddl_if(
    dialect="postgresql"
)


app_user = sa.Table(
    "app_user",
    metadata,
    sa.Column("username", sa.String, primary_key=True),
    sa.Column("role", sa.String, nullable=False),  # viewer, analyst, admin
    sa.Column("password_hash", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# API tokens for analysts' own tools: only a token's SHA-256 is kept, so a copy of the database
# gives no one a working token. The role is read from app_user at each request.
api_token = sa.Table(
    "api_token",
    metadata,
    sa.Column("token_hash", sa.String, primary_key=True),
    sa.Column("username", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
)

audit_seq = sa.Sequence("audit_id_seq")
audit = sa.Table(
    "audit",
    metadata,
    # Append-only: nothing in Scorecard updates or deletes these rows.
    sa.Column("id", sa.Integer, audit_seq, primary_key=True, server_default=audit_seq.next_value()),
    sa.Column("happened_at", sa.DateTime, nullable=False),
    sa.Column("who", sa.String, nullable=False),
    sa.Column("action", sa.String, nullable=False),  # load, revert, commentary, user add...
    sa.Column("subject", sa.String, nullable=False),
    sa.Column("before_value", sa.String),
    sa.Column("after_value", sa.String),
)

# SPC rebases: an analyst's recorded, dated and reasoned decision that a process changed, so
# the limits start again from `period` (never automatic). Removing one is audited too.
spc_rebase = sa.Table(
    "spc_rebase",
    metadata,
    sa.Column("indicator_id", sa.String, primary_key=True),
    sa.Column("area_code", sa.String, primary_key=True),
    sa.Column("period", sa.String, primary_key=True),  # the first period of the new baseline
    sa.Column("reason", sa.String, nullable=False),
    sa.Column("set_by", sa.String, nullable=False),
    sa.Column("set_at", sa.DateTime, nullable=False),
)

# Board packs (issue 11), frozen as presented: the files' own bytes are kept, so a signed-off
# pack downloads byte for byte the same after new loads, revisions or commentary edits; the
# rest says what it was made from. Nothing updates a pack but its one sign-off.
board_pack_seq = sa.Sequence("board_pack_id_seq")
board_pack = sa.Table(
    "board_pack",
    metadata,
    sa.Column("id", sa.Integer, board_pack_seq, primary_key=True, server_default=board_pack_seq.next_value()),
    sa.Column("area_code", sa.String, nullable=False),
    sa.Column("quarter", sa.String, nullable=False),
    sa.Column("framework", sa.String, nullable=False),
    sa.Column("outcome", sa.String),  # one outcome area, or none for them all
    sa.Column("title", sa.String, nullable=False),
    sa.Column("data_version", sa.String, nullable=False),  # the store's data version as it stood
    sa.Column("latest_load_id", sa.Integer),  # figures loaded up to this load
    sa.Column("load_ids", sa.String, nullable=False),  # the loads the scorecard's figures came from
    sa.Column("commentary", sa.String, nullable=False),  # JSON: indicator -> text and author, as it stood
    sa.Column("figures", sa.String, nullable=False),  # JSON: each row as shown, to compare packs by
    sa.Column("made_by", sa.String, nullable=False),
    sa.Column("made_at", sa.DateTime, nullable=False),
    sa.Column("signed_off_by", sa.String),
    sa.Column("signed_off_at", sa.DateTime),
    sa.Column("pptx", sa.LargeBinary, nullable=False),
    sa.Column("pdf", sa.LargeBinary, nullable=False),
    sa.Column("xlsx", sa.LargeBinary, nullable=False),
)

# The home LA's own areas, from a file the analyst loads (`scorecard setup --localities`):
# wards, townships, area partnerships... `parent_code` is the LA or another locality.
locality = sa.Table(
    "locality",
    metadata,
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("kind", sa.String, nullable=False),  # ward, township, area partnership, locality
    sa.Column("parent_code", sa.String, nullable=False),
    sa.Column("la_code", sa.String, nullable=False),
)

# The performance clinic (issue 16) -------------------------------------------------------

# Who agreed a target set in the clinic, beside the target row it describes (the target table
# keeps its shape, so loads and reverts are unchanged). A target a template load wrote has none.
target_agreement = sa.Table(
    "target_agreement",
    metadata,
    sa.Column("indicator_id", sa.String, primary_key=True),
    sa.Column("area_code", sa.String, primary_key=True),
    sa.Column("period", sa.String, primary_key=True),
    sa.Column("agreed_by", sa.String),
    sa.Column("set_by", sa.String, nullable=False),
    sa.Column("set_at", sa.DateTime, nullable=False),
)

# An action on an exception: what, who owns it, when it is due. It is shown from the quarter it
# was raised in until the quarter it was marked done (carried forward until then); "overdue"
# is worked out from the due date, never stored. Every change is in the audit log.
action_item_seq = sa.Sequence("action_item_id_seq")
action_item = sa.Table(
    "action_item",
    metadata,
    sa.Column("id", sa.Integer, action_item_seq, primary_key=True, server_default=action_item_seq.next_value()),
    sa.Column("indicator_id", sa.String, nullable=False),
    sa.Column("area_code", sa.String, nullable=False),
    sa.Column("raised_quarter", sa.String, nullable=False),  # '2025-26 Q2'
    sa.Column("raised_start", sa.Date, nullable=False),  # that quarter's first day, to compare
    sa.Column("what", sa.String, nullable=False),
    sa.Column("owner", sa.String, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("status", sa.String, nullable=False),  # open, done
    sa.Column("done_quarter", sa.String),
    sa.Column("done_start", sa.Date),
    sa.Column("updated_by", sa.String, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

# Each load's warnings in full, as the load reported them: the Loads page shows them, not a count.
load_warning = sa.Table(
    "load_warning",
    metadata,
    sa.Column("load_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("location", sa.String, nullable=False),  # 'Data!D14', or '' for the whole file
    sa.Column("message", sa.String, nullable=False),  # the warning, with what to do
)

# Sign-in sessions (issue 14): the cookie carries only a random session id; only its SHA-256 is
# kept. Each request checks its row and the user's role here, so ending a session (sign-out,
# a removed user, a changed role or password) works at once. Never in a backup.
user_session = sa.Table(
    "user_session",
    metadata,
    sa.Column("session_hash", sa.String, primary_key=True),
    sa.Column("username", sa.String, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("seen_at", sa.DateTime, nullable=False),
)

# Sign-in attempts checked against a password, by 'user:NAME' and by 'address:IP', shared by
# every worker; rows older than the window are deleted as new ones come. Never in a backup.
sign_in_attempt_seq = sa.Sequence("sign_in_attempt_id_seq")
sign_in_attempt = sa.Table(
    "sign_in_attempt",
    metadata,
    sa.Column("id", sa.Integer, sign_in_attempt_seq, primary_key=True,
              server_default=sign_in_attempt_seq.next_value()),
    sa.Column("key", sa.String, nullable=False),
    sa.Column("attempted_at", sa.DateTime, nullable=False),
)
