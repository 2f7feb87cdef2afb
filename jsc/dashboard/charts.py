"""Charts drawn on the server as SVG: no script, no request to the internet.

Each function returns markup ready for a template (``mark_safe`` after escaping every
label). They scale to the width of their box (viewBox), for phones and laptops alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

GRID = "#d0d7de"
TEXT = "#24292f"
MUTED = "#6e7781"
TARGET = "#8250df"
BAR = "#2f6fdb"
LAST_YEAR = "#9aa5b1"


@dataclass
class Bar:
    label: str
    value: float | None  # None: nothing to draw (e.g. no population)
    colour: str = BAR
    note: str = ""  # printed at the end of the bar, or instead of it


def _svg(width: int, height: int, body: list[str], title: str, css_class: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every label below went through escape()
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _n(value: float) -> str:
    """A number as the page's language writes it (Indonesian: 1,5)."""
    value = round(float(value), 1)
    return escape(number_format(int(value) if value.is_integer() else value, use_l10n=True))


def _nice_max(value: float) -> float:
    for step in (2, 4, 5, 10, 20, 25, 50, 100, 150, 200, 250, 500, 1000, 10_000, 100_000):
        if value <= step:
            return step
    return value


def hbar_chart(
    bars: list[Bar],
    *,
    title: str,
    target: float | None = None,
    target_label: str = "",
    unit: str = "%",
) -> SafeString:
    """One horizontal bar per area, a vertical line at the target (the cumulative target)."""
    # Labels take the room their longest needs (about 7 px a character at 12 px).
    longest = max([len(b.label) for b in bars] + [4])
    label_w = int(min(longest * 7 + 12, 190))
    max_chars = int((label_w - 12) / 7)
    width, row_h, top = 440, 22, 28
    plot_w = width - label_w - 70
    height = top + row_h * max(len(bars), 1) + 24
    peak = max([b.value or 0 for b in bars] + [target or 0, 1])
    scale_max = _nice_max(peak)

    def x(v: float) -> float:
        return label_w + plot_w * v / scale_max

    body = []
    for i in range(5):  # grid and scale
        v = scale_max * i / 4
        body.append(
            f'<line x1="{x(v):.1f}" y1="{top - 6}" x2="{x(v):.1f}" y2="{height - 20}" '
            f'stroke="{GRID}"/><text x="{x(v):.1f}" y="{height - 6}" fill="{MUTED}" '
            f'text-anchor="middle">{_n(v)}{escape(unit)}</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        label = bar.label if len(bar.label) <= max_chars else bar.label[: max_chars - 1] + "…"
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" fill="{TEXT}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        if bar.value is None:
            body.append(
                f'<text x="{label_w + 4}" y="{y + 15}" fill="{MUTED}" font-style="italic">'
                f"{escape(bar.note)}</text>"
            )
            continue
        w = max(x(bar.value) - label_w, 1)
        body.append(
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{bar.colour}"><title>{escape(bar.label)}: {_n(bar.value)}{escape(unit)}'
            f"</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" fill="{TEXT}">'
            f"{_n(bar.value)}{escape(unit)} {escape(bar.note)}</text>"
        )
    if target is not None:
        body.append(
            f'<line class="target" x1="{x(target):.1f}" y1="{top - 8}" x2="{x(target):.1f}" '
            f'y2="{height - 20}" stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{x(target):.1f}" y="{top - 12}" fill="{TARGET}" text-anchor="middle">'
            f"{escape(target_label)} {_n(target)}{escape(unit)}</text>"
        )
    return _svg(width, height, body, title, "hbar")


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None], str]],
    *,
    title: str,
    unit: str = "%",
) -> SafeString:
    """Lines over months: e.g. cumulative coverage against the cumulative target line."""
    width, height, left, right, top, bottom = 480, 240, 40, 12, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vals, _ in series for v in vals if v is not None]
    scale_max = _nice_max(max(values + [1]))
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / scale_max

    body = []
    for i in range(5):
        v = scale_max * i / 4
        body.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
            f'stroke="{GRID}"/><text x="{left - 4}" y="{y(v) + 4:.1f}" fill="{MUTED}" '
            f'text-anchor="end">{_n(v)}</text>'
        )
    for i, label in enumerate(labels):
        body.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 16}" fill="{MUTED}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for k, (name, vals, colour) in enumerate(series):
        points = [(x(i), y(v)) for i, v in enumerate(vals) if v is not None]
        if points:
            dash = ' stroke-dasharray="6 3"' if k else ""
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            body.append(
                f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
            body.extend(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points
            )
        lx = left + k * 200
        body.append(
            f'<rect x="{lx}" y="{height - 22}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{lx + 20}" y="{height - 16}" fill="{TEXT}">{escape(name)}</text>'
        )
    return _svg(width, height, body, title, "line")


def year_bars(rows: list[dict], *, title: str) -> SafeString:
    """Maternal deaths per year as bars, the MMR printed under each year; the last year
    (this one) stands out. The page's caption says which number is which."""
    width, height, left, top, bottom = 420, 200, 10, 20, 40
    n = max(len(rows), 1)
    slot = (width - left - 10) / n
    peak = _nice_max(max([r["maternal_deaths"] for r in rows] + [1]))
    plot_h = height - top - bottom
    body = []
    for i, row in enumerate(rows):
        h = plot_h * row["maternal_deaths"] / peak
        bx = left + i * slot + slot * 0.2
        colour = BAR if i == len(rows) - 1 else LAST_YEAR
        mmr = row["mmr_per_100k_live_births"]
        body.append(
            f'<rect class="bar" x="{bx:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{max(h, 1):.1f}" fill="{colour}"/>'
            f'<text x="{bx + slot * 0.3:.1f}" y="{top + plot_h - h - 4:.1f}" fill="{TEXT}" '
            f'text-anchor="middle" font-weight="bold">{row["maternal_deaths"]}</text>'
            f'<text x="{bx + slot * 0.3:.1f}" y="{height - 22}" fill="{TEXT}" '
            f'text-anchor="middle">{row["year"]}</text>'
            f'<text x="{bx + slot * 0.3:.1f}" y="{height - 6}" fill="{MUTED}" '
            f'text-anchor="middle">{"–" if mmr is None else _n(mmr)}</text>'
        )
    return _svg(width, height, body, title, "years")


def stacked_weeks(
    weeks: list[str], stacks: list[dict], bands: list[tuple[str, str, str]], *, title: str
) -> SafeString:
    """Expected deliveries per week, one stacked bar a week, one colour a band."""
    width, height, left, top, bottom = 480, 220, 10, 20, 56
    n = max(len(weeks), 1)
    slot = (width - left - 10) / n
    peak = _nice_max(max([sum(s.get(b, 0) for b, _, _ in bands) for s in stacks] + [1]))
    plot_h = height - top - bottom
    body = []
    for i, label in enumerate(weeks):
        bx = left + i * slot + slot * 0.15
        base = top + plot_h
        total = 0
        for band, _, colour in bands:
            value = stacks[i].get(band, 0)
            h = plot_h * value / peak
            if value:
                body.append(
                    f'<rect class="bar" x="{bx:.1f}" y="{base - h:.1f}" '
                    f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{colour}"/>'
                )
            base -= h
            total += value
        body.append(
            f'<text x="{bx + slot * 0.35:.1f}" y="{base - 4:.1f}" fill="{TEXT}" '
            f'text-anchor="middle">{total}</text>'
            f'<text x="{bx + slot * 0.35:.1f}" y="{height - bottom + 16}" fill="{MUTED}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for k, (_, name, colour) in enumerate(bands):
        lx = left + k * 150
        body.append(
            f'<rect x="{lx}" y="{height - 24}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{lx + 18}" y="{height - 14}" fill="{TEXT}">{escape(name)}</text>'
        )
    return _svg(width, height, body, title, "weeks")
