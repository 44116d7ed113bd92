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

WIDTH = 640
LABEL_WIDTH = 150
VALUE_WIDTH = 90
BAR_HEIGHT = 14
ROW_GAP = 8
LEGEND_HEIGHT = 22
# Colours that keep 3:1 contrast with white; series with a meaning keep their colour.
SERIES_COLOURS = ("#1f5f99", "#8a5a00", "#5b3f8c", "#2d6e73")
MEANING_COLOURS = {"Lost": "#a3262a", "Won back": "#1e6b3a", "Newly signed": "#1f5f99"}


def colour(names: tuple[str, ...], number: int) -> str:
    return MEANING_COLOURS.get(names[number], SERIES_COLOURS[number % len(SERIES_COLOURS)])
FONT = 'font-family="Winback Inter, sans-serif"'


def svg(chart: Chart, format_value: Callable[[float], str]) -> Markup:
    series = len(chart.series)
    row = BAR_HEIGHT * series + ROW_GAP
    top = LEGEND_HEIGHT if series > 1 else 4
    height = top + row * max(len(chart.bars), 1)
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((v for bar in chart.bars for v in bar.values), default=0) or 1
    ident = f"chart-{chart.key}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
    ]
    if series > 1:
        parts.extend(_legend(chart.series))
    for index, bar in enumerate(chart.bars):
        y = top + index * row
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + row / 2 + 2:.1f}" {FONT} '
                     f'font-size="11" text-anchor="end" fill="#1d232b">{escape(bar.label)}</text>')
        for number, value in enumerate(bar.values):
            length = area * value / largest
            top_edge = y + number * BAR_HEIGHT
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{top_edge}" width="{length:.1f}" '
                         f'height="{BAR_HEIGHT - 2}" fill="{colour(chart.series, number)}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{top_edge + 10}" {FONT} '
                         f'font-size="10" fill="#1d232b">{escape(format_value(value))}</text>')
    if not chart.bars:
        parts.append(f'<text x="{LABEL_WIDTH}" y="16" {FONT} font-size="11" fill="#56606b">'
                     'No data yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(names: tuple[str, ...]) -> list[str]:
    parts, x = [], LABEL_WIDTH
    for number, name in enumerate(names):
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" '
                     f'fill="{colour(names, number)}"/>')
        parts.append(f'<text x="{x + 16}" y="14" {FONT} font-size="11" fill="#1d232b">'
                     f'{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts
