"""Server-rendered SVG charts for the trends page: geometry only, the template draws it.

No JavaScript and no build step: each chart is a small ``viewBox`` the browser scales to the
screen. Missing days stay gaps (never drawn as zero), because unrecorded is not pain-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 340, 170
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 10, 26


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    value: float
    label: str
    css: str = ""


@dataclass
class Dot:
    x: float
    y: float
    value: float
    label: str
    isolated: bool = False  # not joined to a neighbour by a line: always drawn


@dataclass
class Marker:
    """An event in one x slot (e.g. a headache start): a faint column and a mark on top."""

    x: float
    w: float
    count: int
    label: str

    @property
    def mid(self) -> float:
        return round(self.x + self.w / 2, 1)

    @property
    def triangle(self) -> str:
        """SVG points of a small downward mark in the margin above the plot."""
        half = 3.5
        return f"{self.mid - half:g},1 {self.mid + half:g},1 {self.mid:g},{TOP - 1}"


@dataclass
class Chart:
    """One chart's drawable parts in a WIDTH x HEIGHT box."""

    y_max: float
    y_min: float = 0
    bars: list[Bar] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # SVG polyline point lists (gaps split lines)
    dots: list[Dot] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    threshold: tuple[float, str] | None = None
    markers: list[Marker] = field(default_factory=list)

    # the box and its plot area, for the template (every chart has the same size)
    width = WIDTH
    height = HEIGHT
    plot_top = TOP
    plot_left = LEFT
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    plot_height = HEIGHT - TOP - BOTTOM

    @property
    def dot_titles(self) -> bool:
        """Hover titles only for a month of points; longer series keep the page light."""
        return len(self.dots) <= 31

    @property
    def empty(self) -> bool:
        return not (self.bars or self.dots)

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1
        return round(TOP + self.plot_height * (1 - (value - self.y_min) / span), 1)

    def slot(self, index: int, count: int) -> tuple[float, float]:
        """Left edge and width of slot ``index`` of ``count`` along the x axis."""
        width = (WIDTH - LEFT - RIGHT) / max(count, 1)
        return round(LEFT + index * width, 1), width


def _axes(chart: Chart, step: float, labels: list[str]) -> Chart:
    """Y ticks every ``step`` and about seven x labels."""
    value = chart.y_min
    while value <= chart.y_max + 1e-9:
        chart.y_ticks.append((chart.y(value), f"{value:g}"))
        value += step
    every = max(1, -(-len(labels) // 7))
    for index, label in enumerate(labels):
        if label and index % every == 0:
            left, width = chart.slot(index, len(labels))
            chart.x_labels.append((round(left + width / 2, 1), label))
    return chart


def bar_chart(
    *,
    values: list[float | None],
    labels: list[str],
    titles: list[str],
    y_max: float | None = None,
    overlay: list[float | None] | None = None,
) -> Chart:
    """Bars (and an optional overlaid inner bar, e.g. migraine days within headache days)."""
    highest = max([v for v in values if v is not None] + [1])
    chart = Chart(y_max=y_max or _nice_max(highest))
    for index, value in enumerate(values):
        if value is None:
            continue
        left, width = chart.slot(index, len(values))
        gap = min(width * 0.2, 4)
        inner = overlay[index] if overlay else None
        for amount, css in [(value, "")] + ([(inner, "inner")] if inner else []):
            top, label = chart.y(amount), titles[index]
            chart.bars.append(
                Bar(left + gap / 2, top, width - gap, chart.plot_bottom - top, amount, label, css)
            )
    return _axes(chart, _step(chart.y_max), labels)


def line_chart(
    *,
    values: list[float | None],
    labels: list[str],
    titles: list[str],
    y_min: float = 0,
    y_max: float,
    step: float,
    threshold: tuple[float, str] | None = None,
) -> Chart:
    """A line through recorded values with gaps where nothing was recorded."""
    chart = Chart(y_max=y_max, y_min=y_min)
    segment: list[Dot] = []
    for index, value in enumerate(values + [None]):
        if value is None:
            _close_segment(chart, segment)
            segment = []
            continue
        left, width = chart.slot(index, len(values))
        x, y = round(left + width / 2, 1), chart.y(min(max(value, y_min), y_max))
        dot = Dot(x, y, value, titles[index])
        segment.append(dot)
        chart.dots.append(dot)
    if threshold:
        chart.threshold = (chart.y(threshold[0]), threshold[1])
    return _axes(chart, step, labels)


def mark_events(chart: Chart, *, counts: list[int], titles: list[str]) -> Chart:
    """Mark the x slots where something happened (counts aligned with the chart's values).

    Drawn behind the line, so a change just before an event (stress falling before a
    headache starts: the let-down) can be seen at a glance.
    """
    for index, count in enumerate(counts):
        if count:
            left, width = chart.slot(index, len(counts))
            chart.markers.append(Marker(left, round(width, 2), count, titles[index]))
    return chart


def _close_segment(chart: Chart, segment: list[Dot]) -> None:
    if len(segment) == 1:
        segment[0].isolated = True
    elif segment:
        chart.lines.append(" ".join(f"{dot.x},{dot.y}" for dot in segment))


def _nice_max(value: float) -> float:
    nice = (1, 2, 4, 5, 7, 10, 14, 15, 20, 25, 31, 50, 100)
    return next((candidate for candidate in nice if value <= candidate), value)


def _step(y_max: float) -> float:
    """Tick spacing: 1 up to 5, 2 up to 10, 5 up to 20, then 10."""
    return next((step for top, step in ((5, 1), (10, 2), (20, 5)) if y_max <= top), 10)
