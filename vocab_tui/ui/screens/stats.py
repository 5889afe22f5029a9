"""The learner's statistics: streak, calendar, reviews, forecast, retention, words known."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Sparkline

from ...i18n import N_, _, ngettext
from ...progress import LearnerStats, learner_stats
from ..safe import Label, Static, markup
from .base import VocabScreen

SHADES = ((0, "·"), (1, "░"), (10, "▒"), (30, "▓"), (60, "█"))
WEEKS = 17


def shade(count: int) -> str:
    return [char for floor, char in SHADES if count >= floor][-1]


def heatmap(stats: LearnerStats, weeks: int = WEEKS) -> str:
    """A calendar of study days: one column a week, Monday at the top; darker means more reviews."""
    today = stats.today
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    names = [_("Mon"), "", _("Wed"), "", _("Fri"), "", _("Sun")]
    rows = []
    for weekday in range(7):
        cells = []
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            cells.append(" " if day > today else shade(stats.daily.get(day, 0)))
        rows.append(f"{names[weekday]:>4} " + " ".join(cells))
    legend = "  ".join(f"{char} {label}" for (floor, char), label in zip(
        SHADES, (_("none"), "1+", "10+", "30+", "60+")))
    return "\n".join(rows) + "\n     " + legend


class StatsScreen(VocabScreen):
    BINDINGS = [Binding("escape", "back", N_("Back"), id="stats.back")]

    def compose(self) -> ComposeResult:
        app = self.vocab
        assert app.learner is not None
        stats = learner_stats(app.store, app.learner, app.workspace.deck_ids, app.clock, app.scheduler_settings)
        yield Static(_("Statistics · {name}").format(name=app.learner.name), id="topbar")
        with VerticalScroll(id="stats"):
            retention = (
                _("{percent} of {n} reviews").format(percent=f"{round(100 * stats.retention)}%", n=stats.retention_reviews)
                if stats.retention is not None
                else _("not enough mature reviews yet")
            )
            with Horizontal(id="stats-numbers"):
                yield Static(
                    markup(ngettext("Streak: [b]{n}[/b] day", "Streak: [b]{n}[/b] days", stats.streak), n=stats.streak)
                    + "\n" + markup(_("Words known: [b]{known}[/b] ({mature} mature)"),
                                     known=stats.known, mature=stats.mature),
                    classes="stats-box",
                )
                yield Static(markup(_("True retention: [b]{value}[/b]"), value=retention)
                             + "\n" + markup(_("Reviews today: [b]{n}[/b]"), n=stats.reviews_per_day[-1]),
                             classes="stats-box")
            yield Label(_("Study days (the last {weeks} weeks)").format(weeks=WEEKS), classes="stats-title")
            yield Static(heatmap(stats), id="heatmap")
            yield Label(
                _("Reviews per day, last 30 days (most: {most}, total: {total})").format(
                    most=max(stats.reviews_per_day), total=sum(stats.reviews_per_day)),
                classes="stats-title",
            )
            yield Sparkline(stats.reviews_per_day, id="reviews-chart", summary_function=max)
            yield Label(
                _("Cards due, next 30 days (today: {today}, total: {total})").format(
                    today=stats.forecast[0], total=sum(stats.forecast)),
                classes="stats-title",
            )
            yield Sparkline(stats.forecast, id="forecast-chart", summary_function=max)
        yield Footer(show_command_palette=False)

    def action_back(self) -> None:
        self.app.pop_screen()
