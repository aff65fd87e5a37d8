"""What a page prints that it does not show on screen (assets/scorecard.css, the print section)."""

from dash import html


def printed_notes(rows) -> html.Div | None:
    """The commentary behind each "Note" in a table, numbered in the table's order: on paper a
    note cannot be hovered or followed, so its words print under the table."""
    noted = [row for row in rows if row.commentary]
    if not noted:
        return None
    return html.Div([
        html.H2("Notes"),
        html.Ol([html.Li([html.Strong(f"{row.short_title}: "), row.commentary,
                          f" ({row.commentary_author})" if row.commentary_author else ""]) for row in noted]),
    ], className="print-only print-notes")
