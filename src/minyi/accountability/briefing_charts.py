"""The briefing's charts as inline SVG (no script, no network), for HTML and for the PDF.

Like :mod:`minyi.issues.svg`, every function returns one ``<svg>`` element as text, with
its labels escaped and the values written beside the marks so that a black-and-white
print still reads. Text is set in Noto Sans CJK so that the PDF embeds the same font as
the page around it. The caller passes the labels in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["column_chart", "hbar_chart", "range_chart"]

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
COLUMN_COLOUR = "#2c6fbb"
BAR_COLOUR = "#c0392b"
RANGE_COLOUR = "#9db9dc"
LABEL_CHARS = 14
MAX_VALUE_LABELS = 31  # more columns than this: values only in the tooltips


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(width: int, height: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'font-family="{FONT}" font-size="11">'
    )


def column_chart(
    points: Sequence[tuple[str, int]], label: str, *, width: int = 680, height: int = 180
) -> str:
    """Vertical columns of ``(x label, count)`` in order (e.g. cases per day)."""
    if not points:
        return ""
    top = max(value for _, value in points) or 1
    plot_height = height - 40
    step = (width - 20) / len(points)
    every = -(-len(points) // 16)  # at most 16 axis labels
    parts = [_open(width, height, label)]
    for index, (name, value) in enumerate(points):
        x = 10 + index * step
        bar = plot_height * value / top
        y = 15 + plot_height - bar
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" height="{bar:.1f}" '
            f'fill="{COLUMN_COLOUR}"><title>{escape(name)}: {value}</title></rect>'
        )
        if value and len(points) <= MAX_VALUE_LABELS:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle">{value}</text>')
        if index % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    rows: Sequence[tuple[str, float]],
    label: str,
    *,
    percent: bool = False,
    width: int = 680,
    bar_height: int = 20,
) -> str:
    """Horizontal bars of ``(label, value)`` in the given order; ``percent`` for rates in [0, 1]."""
    if not rows:
        return ""
    label_width, value_width = 190, 70
    top = 1.0 if percent else (max(value for _, value in rows) or 1.0)
    plot = width - label_width - value_width
    parts = [_open(width, bar_height * len(rows) + 10, label)]
    for index, (name, value) in enumerate(rows):
        y = 5 + index * bar_height
        length = plot * value / top
        shown = f"{value * 100:.1f}%" if percent else f"{value:g}"
        parts.extend(
            (
                (
                    f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">'
                    f"{escape(_short(name))}</text>"
                ),
                (
                    f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 6}" '
                    f'fill="{BAR_COLOUR}"/>'
                ),
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height * 0.7:.1f}">{shown}</text>',
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def range_chart(
    points: Sequence[tuple[str, float, float, float]], label: str, *, width: int = 680, height: int = 180
) -> str:
    """Columns of expected values with a low-high range behind each (the forecast weeks)."""
    if not points:
        return ""
    top = max(high for _, _, _, high in points) or 1.0
    plot_height = height - 40
    step = (width - 20) / len(points)
    parts = [_open(width, height, label)]
    for index, (name, expected, low, high) in enumerate(points):
        x = 10 + index * step
        y_high, y_low = 15 + plot_height * (1 - high / top), 15 + plot_height * (1 - low / top)
        y_mid = 15 + plot_height * (1 - expected / top)
        parts.extend(
            (
                (
                    f'<rect x="{x + step * 0.2:.1f}" y="{y_high:.1f}" width="{step * 0.6:.1f}" '
                    f'height="{max(y_low - y_high, 1):.1f}" fill="{RANGE_COLOUR}"/>'
                ),
                (
                    f'<rect x="{x + step * 0.2:.1f}" y="{y_mid - 1:.1f}" width="{step * 0.6:.1f}" height="3" '
                    f'fill="{COLUMN_COLOUR}"/>'
                ),
                (
                    f'<text x="{x + step / 2:.1f}" y="{y_high - 3:.1f}" '
                    f'text-anchor="middle">{expected:.0f}</text>'
                ),
                f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle">{escape(name)}</text>',
            )
        )
    parts.append("</svg>")
    return "".join(parts)
