"""Small inline SVG charts for the hot-issue report (no script, no CDN, no library).

Every function returns one ``<svg>`` element as text, with its labels escaped, sized in
CSS pixels and readable without colour (values are written next to the bars).
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

__all__ = ["heat_bars", "timeline_bars"]

BAR_COLOUR = "#c0392b"
TIMELINE_COLOUR = "#2c6fbb"
LABEL_CHARS = 22


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open_svg(width: int, height: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
    )


def heat_bars(rows: list[tuple[str, float]], *, width: int = 760, bar_height: int = 22) -> str:
    """A horizontal bar chart of ``(label, heat)``, hottest first."""
    if not rows:
        return ""
    label_width, value_width = 300, 60
    top = max(value for _, value in rows) or 1.0
    plot = width - label_width - value_width
    height = bar_height * len(rows) + 10
    parts = [_open_svg(width, height, "热度排行")]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * bar_height
        length = max(plot * value / top, 1.0)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
            f'font-size="13">{escape(_short(label))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 6}" '
            f'fill="{BAR_COLOUR}"><title>{escape(label)}: {value:.2f}</title></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height * 0.7:.1f}" '
            f'font-size="12">{value:.2f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def timeline_bars(timeline: dict[date, int], *, width: int = 360, height: int = 70) -> str:
    """Messages per day from the first to the last day of ``timeline``, as thin bars."""
    if not timeline:
        return ""
    first, last = min(timeline), max(timeline)
    days = (last - first).days + 1
    peak = max(timeline.values())
    step = width / days
    bottom = height - 14
    parts = [
        _open_svg(width, height, "每日留言数"),
        f'<line x1="0" y1="{bottom}" x2="{width}" y2="{bottom}" stroke="#999" stroke-width="1"/>',
    ]
    for offset in range(days):
        day = first + timedelta(days=offset)
        count = timeline.get(day, 0)
        if count:
            bar = (bottom - 4) * count / peak
            parts.append(
                f'<rect x="{offset * step:.2f}" y="{bottom - bar:.1f}" width="{max(step * 0.9, 1.0):.2f}" '
                f'height="{bar:.1f}" fill="{TIMELINE_COLOUR}"><title>{day}: {count}</title></rect>'
            )
    parts.append(
        f'<text x="0" y="{height - 2}" font-size="10">{first}</text>'
        f'<text x="{width}" y="{height - 2}" font-size="10" text-anchor="end">{last} · 峰值 {peak}/日</text>'
        "</svg>"
    )
    return "".join(parts)
