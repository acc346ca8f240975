"""Bar charts as inline SVG, drawn by hand: readable without script, print and zoom well.

Every bar carries ``data-*`` attributes with its figure and a ``<title>`` a browser shows
on hover, so that the numbers can be read (and checked) from the page itself.
"""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#2f6db5", "#e08a1e", "#3a9a5b", "#8e5cc2", "#c2474f", "#4aa3b5", "#7a7a7a")
FAIL_COLOUR = "#c2474f"
OK_COLOUR = "#3a9a5b"
WIDTH, HEIGHT = 960, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 52


def nice_scale(value: float, integer: bool = False) -> tuple[float, int]:
    """(axis maximum, number of grid steps): steps of 1, 2, 2.5 or 5 times a power of ten."""
    value = max(value, 1.0 if integer else 1e-9)
    rough = value / 4
    power = 10 ** math.floor(math.log10(rough))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(s * power for s in steps if rough <= s * power)
    if integer:
        step = max(1.0, round(step))
    ticks = max(1, math.ceil(value / step - 1e-9))
    return step * ticks, ticks


def _frame(label: str, y_max: float, ticks: int, fmt: str, body: list[str],
           legend: list[str]) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="100%" role="img" aria-label="{escape(label)}" class="chart">',
             f"<title>{escape(label)}</title>"]
    for i in range(ticks + 1):
        value = y_max * i / ticks
        y = TOP + plot_h - plot_h * i / ticks
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
                     f"{fmt.format(value)}</text>")
    parts += body + legend
    parts.append("</svg>")
    return "".join(parts)


def _x_labels(labels: list[str], slot: float) -> list[str]:
    step = max(1, math.ceil(len(labels) / 12))
    out = []
    for i, text in enumerate(labels):
        if i % step and i != len(labels) - 1:
            continue
        x = LEFT + slot * (i + 0.5)
        out.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                   f'class="tick">{escape(text)}</text>')
    return out


def stacked_bars(series: dict[str, dict[str, int]], labels: list[str], title: str) -> str:
    """One bar per label, one coloured segment per series (e.g. articles per site and day)."""
    totals = [sum(s.get(label, 0) for s in series.values()) for label in labels]
    y_max, ticks = nice_scale(max(totals, default=0), integer=True)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar_w = max(1.0, slot * 0.8)
    body: list[str] = []
    for i, label in enumerate(labels):
        base = 0
        x = LEFT + slot * i + (slot - bar_w) / 2
        for k, (name, values) in enumerate(series.items()):
            n = values.get(label, 0)
            if not n:
                continue
            h = plot_h * n / y_max
            y = TOP + plot_h - plot_h * base / y_max - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}" data-series="{escape(name)}" '
                f'data-label="{escape(label)}" data-value="{n}">'
                f"<title>{escape(name)} {escape(label)}: {n}</title></rect>")
            base += n
    body += _x_labels(labels, slot)
    legend = []
    for k, name in enumerate(series):
        x = LEFT + 160 * k
        legend.append(f'<rect x="{x}" y="6" width="12" height="12" '
                      f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                      f'<text x="{x + 16}" y="16" class="legend">{escape(name)}</text>')
    return _frame(title, y_max, ticks, "{:.0f}", body, legend)


def rate_bars(values: list[tuple[str, float | None]], threshold: float, title: str) -> str:
    """One bar per (label, rate in 0..1); bars over ``threshold`` in the failure colour."""
    top, ticks = nice_scale(max(max((v or 0 for _, v in values), default=0), threshold) * 100)
    y_max = top / 100
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(values), 1)
    bar_w = max(1.0, min(slot * 0.8, 48))
    body: list[str] = []
    for i, (label, rate) in enumerate(values):
        x = LEFT + slot * i + (slot - bar_w) / 2
        if rate is None:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - 4}" '
                        f'text-anchor="middle" class="tick">n/a</text>')
            continue
        h = max(plot_h * rate / y_max, 1.0)
        colour = FAIL_COLOUR if rate > threshold else OK_COLOUR
        body.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" '
                    f'height="{h:.1f}" fill="{colour}" data-label="{escape(label)}" '
                    f'data-value="{rate:.4f}"><title>{escape(label)}: {rate:.1%}</title></rect>')
    y = TOP + plot_h - plot_h * threshold / y_max
    body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                f'class="threshold"/><text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" '
                f'text-anchor="end" class="tick">alert over {threshold:.0%}</text>')
    body += _x_labels([label for label, _ in values], slot)
    return _frame(title, top, ticks, "{:.0f}%", body, [])
