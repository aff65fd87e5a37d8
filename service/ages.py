"""A scorecard's figures by age: the newest figure's own date, how many figures are out of date
(older than their indicator's update cycle, scorecard/freshness.py) and how many indicators have
no figure loaded at all. What the scorecard's heading says."""

from dataclasses import dataclass
from datetime import date

from scorecard.periods import shown_date


@dataclass(frozen=True)
class CardAges:
    newest: date | None
    out_of_date: int
    no_figure: int
    rows: int

    @property
    def words(self) -> str:
        """'Newest figure: 30 September 2026. 12 of 51 figures are out of date; 3 indicators
        have no figure loaded.'"""
        if self.newest is None:
            return "No figure is loaded for any indicator up to the end of this quarter."
        said = f"Newest figure: {shown_date(self.newest)}. "
        with_figures = self.rows - self.no_figure
        said += (f"{self.out_of_date} of {with_figures} figure{'' if with_figures == 1 else 's'} "
                 f"{'is' if self.out_of_date == 1 else 'are'} out of date" if self.out_of_date
                 else "No figure is out of date")
        if self.no_figure:
            said += (f"; {self.no_figure} indicator{'' if self.no_figure == 1 else 's'} "
                     f"{'has' if self.no_figure == 1 else 'have'} no figure loaded")
        return said + "."


def of(card) -> CardAges:
    ends = [row.period_end for row in card.rows if row.period_end is not None]
    return CardAges(
        newest=max(ends, default=None),
        out_of_date=sum(row.out_of_date for row in card.rows),
        no_figure=sum(row.period_label is None for row in card.rows),
        rows=len(card.rows),
    )
