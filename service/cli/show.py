"""Subcommands that show what Scorecard holds: show, indicators, reconcile."""

import json
import sys
from pathlib import Path

from service import arguments, display, legend, records
from service.application import RECONCILE_COLUMNS
from service.cli import local
from service.cli.common import UserError, open_service, print_table, shown
from service.records import JSON_FIELDS_FIRST


def add_show(commands) -> None:
    parser = commands.add_parser("show", help="print the scorecard for an area and quarter")
    parser.add_argument("--area", help="area code, old code or name (default: the home LA)")
    parser.add_argument("--period", help="financial quarter like 2024-25 Q4 (default: the latest complete)")
    parser.add_argument("--outcome", help="one outcome area, by id or title")
    parser.add_argument("--indicator", action="append", metavar="ID", help="only this indicator (repeatable)")
    parser.add_argument("--basket", help="only the indicators of this basket (scorecard baskets lists them)")
    parser.add_argument("--framework", help="outcome framework (default: the setting framework, ecm unless changed)")
    parser.add_argument("--format", choices=["table", "csv", "json", "xlsx"], default="table")
    parser.add_argument("-o", "--output", help="write to this file (needed for xlsx)")
    parser.set_defaults(run=run_show)


def run_show(args) -> int:
    quarter = arguments.quarter(args.period)
    with open_service(args) as service:  # the home area, localities and local indicators are the database's
        catalogue, areas = service.catalogue, service.areas
        area_code = arguments.area_code(areas, args.area, service.home)
        framework = arguments.framework(catalogue, args.framework or service.default_framework)
        outcome = arguments.outcome_id(framework, args.outcome)
        wanted = arguments.indicator_ids(catalogue, args.indicator)
        card = service.in_basket(service.scorecard(area_code, quarter, framework.id, outcome), args.basket)
        rules = service.exception_rules()
    chosen = [row for row in card.rows if not wanted or row.indicator_id in wanted]
    rows = records.scorecard_records(card, wanted)  # the API's scorecard gives the same
    if args.format == "json":
        json.dump(records.ordered(rows), sys.stdout, indent=2, default=str)
        print()
    elif args.format in ("csv", "xlsx"):
        _export(args, rows)
    else:
        _print_scorecard(card, chosen, rules)
    return 0


def _export(args, rows: list[dict]) -> None:
    """CSV or XLSX of every field, as the JSON gives them, with no cell that can run as a formula."""
    from service import exports  # openpyxl only for a download

    header = list(rows[0]) if rows else JSON_FIELDS_FIRST
    values = [[", ".join(map(str, v)) if isinstance(v, list) else v for v in row.values()] for row in rows]
    if args.format == "xlsx":
        if not args.output:
            raise UserError("An XLSX scorecard needs a file to go in: add -o FILE.xlsx.")
        Path(args.output).write_bytes(exports.xlsx_bytes(header, values))
        print(f"Scorecard written to {args.output}.")
        return
    text = exports.csv_text(header, values)
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)


def _print_scorecard(card, rows, exception_rules: list[str]) -> None:
    if card.is_demo:
        print("DEMONSTRATION DATA: these figures are invented.")
    print(f"{card.area.name} ({card.area.code}), quarter {card.quarter.label}")
    headers = ["Indicator", "Period", "Figure", "Target", "RAG", "Direction", "England", "vs England",
               "Region", "Neighbours", "vs neighbours", "Rank", "Quartile", "Recent trend", "Variation and assurance",
               "Exception"]
    table = []
    for row in rows:
        table.append([
            row.short_title, row.period_label or "", row.shown, shown(row.target, row.decimals),
            display.rag_text(row.rag), display.direction_text(row.direction), shown(row.england, row.decimals),
            display.significance_text(row.vs_england), shown(row.region, row.decimals),
            shown(row.sn_mean, row.decimals), display.significance_text(row.vs_neighbours),
            f"{row.rank} of {row.rank_of}" if row.rank else "", row.quartile or "",
            display.trend_text(row.recent_trend), display.spc_text(row.spc_variation, row.spc_assurance, row.spc_trial),
            "Yes" if row.exception else "",
        ])
    print_table(headers, table)
    print()
    for entry in legend.entries(exception_rules):
        print(f"- {entry}")


def add_indicators(commands) -> None:
    parser = commands.add_parser("indicators", help="list the indicator catalogue; check or add the council's own")
    parser.add_argument("action", nargs="?", choices=["list", "check", "add"], default="list",
                        help="list (default); check the council's own indicators file, or FILE; add FILE's to it")
    parser.add_argument("file", nargs="?", metavar="FILE", help="for check and add: a YAML file of indicators")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(run=run_indicators)


def run_indicators(args) -> int:
    if args.action != "list":
        return local.run_local_indicators(args)
    catalogue = local.catalogue(args)
    if args.format == "json":
        json.dump([records.indicator_record(indicator) for indicator in catalogue], sys.stdout, indent=2)
        print()
        return 0
    headers = ["Id", "Title", "Polarity", "Unit", "NI", "Aliases", "OBA", "Whose"]
    rows = [
        [indicator.id, indicator.short_title, indicator.polarity.value.replace("_", " "),
         indicator.unit.value, indicator.ni_code or "", "; ".join(indicator.aliases),
         (indicator.outcome_area("oba") or "").replace("_", " "), "council's own" if indicator.is_local else ""]
        for indicator in catalogue
    ]
    print_table(headers, rows)
    return 0


def add_reconcile(commands) -> None:
    parser = commands.add_parser(
        "reconcile", help="figures with more than one source, and published figures checked against their counts"
    )
    parser.add_argument("--indicator", action="append", help="an indicator id (repeat for more); default all")
    parser.add_argument("--area", help="an area code, old code or name; default every area")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--limit", type=int, default=50, help="differences listed in the table (default 50)")
    parser.set_defaults(run=run_reconcile)


def run_reconcile(args) -> int:
    with open_service(args) as service:
        ids = sorted(arguments.indicator_ids(service.catalogue, args.indicator)) if args.indicator else None
        codes = [arguments.area_code(service.areas, args.area, service.home)] if args.area else None
        result = service.reconcile(ids, codes)
        decimals = {name: service.decimals_of(name) for name in result.differences["indicator_id"].unique()}
        shield = service.shield()
    differences = result.differences[RECONCILE_COLUMNS].copy()
    # As the Reconciliation page: a figure shown as [c] elsewhere gives no number here either.
    hidden = [shield.hides(*key) for key in zip(differences["indicator_id"], differences["area_code"],
                                                 differences["period"], differences["numerator"], differences["breakdown"])]
    if any(hidden):
        differences[["published", "computed", "difference", "numerator"]] = differences[
            ["published", "computed", "difference", "numerator"]].astype("object")
        differences.loc[hidden, ["published", "computed", "difference", "numerator"]] = None
    if args.format == "json":
        print(json.dumps({"compared": result.compared, "agree": result.matched, "reasons": result.counts(),
                          "differences": json.loads(differences.to_json(orient="records"))}, indent=2))
        return 0
    if args.format == "csv":
        differences.to_csv(sys.stdout, index=False)
        return 0
    print(result.summary("Figures compared"))
    if len(differences):
        print()
        listed = differences.head(args.limit)
        print_table(
            ["Indicator", "Area", "Period", "Source", "Check", "Published", "Other", "Reason"],
            [[row.indicator_id, row.area_code, row.period, row.source, row.check,
              *(["[c]", "[c]"] if withheld else [shown(row.published, decimals[row.indicator_id]),
                                                shown(row.computed, decimals[row.indicator_id])]),
              row.reason] for row, withheld in zip(listed.itertuples(), hidden)],
        )
        if len(differences) > args.limit:
            print(f"... and {len(differences) - args.limit:,} more (--format csv lists every one)")
    return 0
