"""Render, charts: a portfolio `Chart` -> an accessible SVG bar chart.

Horizontal bars only: a label, one bar per series, the value at the bar's
end. That is a few rectangles and text, so it is drawn here rather than by a
charting library: the SVG stays small and deterministic, uses the theme's
font (libraries embed their own CSS, fonts and scripts, which the PDF would
then need to strip), and renders the same in browsers and WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from markupsafe import Markup

from generator.portfolio import Chart

# Sizes are CSS pixels, and the chart has no viewBox: it takes the width of its container
# and its text is never scaled, so labels stay 13 px on a phone and on a wide screen.
# Each bar's label sits on its own line above it; bar lengths are shares of the width.
LABEL_SIZE = 13
VALUE_SIZE = 12
LABEL_LINE = 18
BAR_HEIGHT = 14
ROW_GAP = 10
LEGEND_HEIGHT = 24
BAR_SHARE = 72  # per cent of the width for the longest bar; the rest holds its value
# Colours that keep 3:1 contrast with white; series with a meaning keep their colour.
SERIES_COLOURS = ("#1f5f99", "#8a5a00", "#5b3f8c", "#2d6e73")
MEANING_COLOURS = {"Lost": "#a3262a", "Won back": "#1e6b3a", "New clients": "#1f5f99"}
FONT = 'font-family="Winback Inter, sans-serif"'


def colour(names: tuple[str, ...], number: int) -> str:
    return MEANING_COLOURS.get(names[number], SERIES_COLOURS[number % len(SERIES_COLOURS)])


def svg(chart: Chart, format_value: Callable[[float], str]) -> Markup:
    series = len(chart.series)
    row = LABEL_LINE + BAR_HEIGHT * series + ROW_GAP
    top = LEGEND_HEIGHT if series > 1 else 0
    height = top + row * max(len(chart.bars), 1)
    largest = max((v for bar in chart.bars for v in bar.values), default=0) or 1
    ident = f"chart-{chart.key}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="100%" height="{height}" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
    ]
    if series > 1:
        parts.extend(_legend(chart.series))
    for index, bar in enumerate(chart.bars):
        y = top + index * row
        parts.append(f'<text x="0" y="{y + LABEL_SIZE}" {FONT} font-size="{LABEL_SIZE}" '
                     f'fill="#1d232b">{escape(bar.label)}</text>')
        for number, value in enumerate(bar.values):
            share = BAR_SHARE * value / largest
            top_edge = y + LABEL_LINE + number * BAR_HEIGHT
            parts.append(f'<rect x="0" y="{top_edge}" width="{share:.2f}%" '
                         f'height="{BAR_HEIGHT - 2}" fill="{colour(chart.series, number)}"/>')
            parts.append(f'<text x="{share:.2f}%" dx="4" y="{top_edge + 10}" {FONT} '
                         f'font-size="{VALUE_SIZE}" fill="#1d232b">'
                         f'{escape(format_value(value))}</text>')
    if not chart.bars:
        parts.append(f'<text x="0" y="16" {FONT} font-size="{LABEL_SIZE}" fill="#56606b">'
                     'No data yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(names: tuple[str, ...]) -> list[str]:
    parts, x = [], 0
    for number, name in enumerate(names):
        parts.append(f'<rect x="{x}" y="5" width="12" height="12" '
                     f'fill="{colour(names, number)}"/>')
        parts.append(f'<text x="{x + 16}" y="16" {FONT} font-size="{LABEL_SIZE}" fill="#1d232b">'
                     f'{escape(name)}</text>')
        x += 28 + 8 * len(name)
    return parts
