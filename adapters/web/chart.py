"""A channel's weekly activity as a small bar chart, laid out here and drawn as inline SVG.

Pure geometry: weeks in, rectangles out; ``templates/chart.svg.html`` draws them with SVG
presentation attributes only (no ``style``), so the page's CSP needs no inline styles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

WIDTH = 640
HEIGHT = 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 36, 8, 12, 34


@dataclass(frozen=True, slots=True)
class Bar:
    """One rectangle: which series, its box, and its value for the tooltip."""

    series: str  # "delivered" | "votes"
    x: float
    y: float
    width: float
    height: float
    value: int
    week: date


@dataclass(frozen=True, slots=True)
class Label:
    """A text under the axis (a week) or left of it (a count)."""

    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class WeeklyChart:
    """Everything the template needs to draw the chart."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    week_labels: tuple[Label, ...]
    value_labels: tuple[Label, ...]
    baseline: float
    left: float
    right: float
    delivered_total: int
    votes_total: int


def per_week(stamps: Iterable[datetime], first_monday: date, weeks: int) -> list[int]:
    """How many of ``stamps`` fall in each of ``weeks`` weeks from ``first_monday``."""
    counts = [0] * weeks
    for stamp in stamps:
        index = (stamp.date() - first_monday).days // 7
        if 0 <= index < weeks:
            counts[index] += 1
    return counts


def weekly_chart(first_monday: date, delivered: list[int], votes: list[int]) -> WeeklyChart:
    """Side-by-side bars per week (papers delivered, votes), on one scale from zero."""
    weeks = len(delivered)
    top = max([*delivered, *votes, 1])
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    slot = plot_w / max(weeks, 1)
    bar_w = slot * 0.38
    baseline = _TOP + plot_h
    bars: list[Bar] = []
    week_labels: list[Label] = []
    for i in range(weeks):
        week = first_monday + timedelta(weeks=i)
        x0 = _LEFT + i * slot + slot * 0.1
        for offset, series, value in ((0.0, "delivered", delivered[i]), (bar_w, "votes", votes[i])):
            height = plot_h * value / top
            bars.append(Bar(series, x0 + offset, baseline - height, bar_w, height, value, week))
        if i % 2 == 0 or weeks <= 6:
            week_labels.append(Label(x0 + bar_w, baseline + 16, f"{week:%d %b}"))
    value_labels = tuple(
        Label(_LEFT - 6, baseline - plot_h * v / top + 4, str(v)) for v in sorted({0, top})
    )
    return WeeklyChart(
        WIDTH,
        HEIGHT,
        tuple(bars),
        tuple(week_labels),
        value_labels,
        baseline,
        _LEFT,
        WIDTH - _RIGHT,
        sum(delivered),
        sum(votes),
    )
