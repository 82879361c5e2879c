"""The charts' layouts (service/web/pages/timeline.py): the home chart's lines each in a colour of their own,
in the order their kinds appear, and the narrow (phone) layouts of both charts."""

from __future__ import annotations

import datetime as dt
import itertools

from service.web.pages.entity import Link, Relation
from service.web.pages.timeline import NARROW, NARROW_CHART, PALETTE, WIDE, count_chart, timeline

YEARS = list(range(1996, 2027))


def contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of a #rrggbb colour against white."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def sixteen_kinds() -> dict[str, list[int]]:
    """Sixteen kinds, as many as the real build has, each present for a few years from a different year."""
    return {f"k{i:02}": [5 if 1996 + i <= y < 2000 + i else 0 for y in YEARS] for i in range(16)}


def test_sixteen_lines_have_sixteen_distinct_strokes_each_readable_on_white() -> None:
    chart = count_chart(sixteen_kinds(), {}, YEARS, None)
    strokes = [(s.colour, s.dash) for s in chart.series]
    assert len({colour for colour, _ in strokes}) == 16
    assert all(contrast_on_white(colour) >= 3 for colour, _ in strokes)
    assert chart.narrow is not None
    assert [(s.colour, s.dash) for s in chart.narrow.series] == strokes  # the phone's drawing matches


def test_colours_close_in_hue_are_told_apart_by_their_dashes() -> None:
    # The closest pairs of the palette (by RGB distance) never share both colour family and dash.
    chart = count_chart(sixteen_kinds(), {}, YEARS, None)
    dash = {s.colour: s.dash for s in chart.series}

    def distance(a: str, b: str) -> float:
        return sum((int(a[i : i + 2], 16) - int(b[i : i + 2], 16)) ** 2 for i in (1, 3, 5)) ** 0.5

    close = sorted(itertools.combinations(PALETTE, 2), key=lambda pair: distance(*pair))[:3]
    assert all(dash[a] != dash[b] for a, b in close), close


def test_lines_come_in_the_order_their_kinds_first_have_a_count_and_say_their_years() -> None:
    counts = {
        "late": [0] * 26 + [3] * 5,  # 2022 to 2026, the last year drawn: still counted
        "early": [7] * 6 + [0] * 25,  # 1996 to 2001
        "once": [0] * 17 + [1] + [0] * 13,  # 2013 only
    }
    chart = count_chart(counts, {"late": "Late", "early": "Early", "once": "Once"}, YEARS, None)
    assert [(s.label, s.span) for s in chart.series] == [
        ("Early", "1996 to 2001"),
        ("Once", "2013 only"),
        ("Late", "since 2022"),
    ]
    # A line runs over its kind's years and the zero either side, not along the axis for thirty years.
    early = chart.series[0].points.split()
    assert len(early) == 7


def test_the_narrow_chart_fits_a_phone_with_few_year_labels() -> None:
    chart = count_chart(sixteen_kinds(), {}, YEARS, dt.date(2012, 6, 1))
    narrow = chart.narrow
    assert narrow is not None and narrow.width == NARROW_CHART.width
    assert len(narrow.ticks) <= NARROW_CHART.max_ticks
    xs = [float(p.split(",")[0]) for s in narrow.series for p in s.points.split()]
    assert min(xs) >= NARROW_CHART.left and max(xs) <= narrow.width


def test_the_narrow_timeline_puts_each_label_above_its_bar_across_the_width() -> None:
    relations = [
        Relation(
            "r1", "ClusterMembership", Link("a", "A"), Link("b", "A cluster"), dt.date(2011, 10, 1), None
        ),
        Relation(
            "r2", "Accountability", Link("a", "A"), Link("c", "An authority"), dt.date(2006, 10, 1), None
        ),
    ]
    wide = timeline("a", relations, dt.date(2006, 10, 1), None, dt.date(2026, 1, 1))
    assert wide is not None and wide.frame == WIDE and wide.narrow is not None
    narrow = wide.narrow
    assert narrow.frame == NARROW and narrow.width == NARROW.width
    assert (
        [b.label for b in narrow.bars]
        == [b.label for b in wide.bars]
        == ["Lifetime", "A cluster", "An authority"]
    )
    for bar in narrow.bars:
        assert bar.label_y < bar.y  # the label sits above its bar
        assert bar.x >= 8 and bar.x + bar.width <= NARROW.width
    for bar in wide.bars:
        assert bar.label_x < bar.x  # the label sits left of its bar
        assert abs(bar.label_y - (bar.y + 12)) <= 4


def test_long_labels_are_cut_to_what_each_layout_has_room_for() -> None:
    name = "NHS Greater Manchester Integrated Care Board and a few more words besides"
    relations = [Relation("r", "Accountability", Link("a", "A"), Link("b", name), dt.date(2022, 7, 1), None)]
    wide = timeline("a", relations, None, None, dt.date(2026, 1, 1))
    assert wide is not None and wide.narrow is not None
    assert len(wide.bars[0].label) == WIDE.label_chars and wide.bars[0].label.endswith("…")
    assert len(wide.narrow.bars[0].label) == NARROW.label_chars
