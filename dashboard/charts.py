"""Charts as inline SVG, laid out here and drawn by the template: no script and no library, so a
slow offline PC shows them as fast as text. Only geometry lives here, no figures of the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # shown under the bar when `tick`
    value: int
    tick: bool


@dataclass
class BarChart:
    """One chart, one scale: the grid's labelled values are those of whatever it draws (bars, or
    the line of a running total), never a second unlabelled scale."""

    width: int
    height: int
    top: int  # the plot area's top and bottom (y grows downwards)
    bottom: int
    left: int
    bars: list[Bar] = field(default_factory=list)
    grid: list[tuple[float, int]] = field(default_factory=list)  # (y, value) of horizontal lines
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, label) under the plot
    line: str = ""  # "x,y x,y …" of the running total, on the grid's scale (line charts)
    line_max: int = 0


def _step(peak: int) -> int:
    """A round grid step giving at most about four lines up to `peak`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 4:
            return step
    return max(1, peak // 4)


def _frame(
    points: list[tuple[str, int]], peak: int, width: int, height: int
) -> tuple[BarChart, float, float]:
    chart = BarChart(width, height, top=12, bottom=height - 28, left=40)
    step = _step(peak) if peak else 1
    ceiling = max(step, -(-peak // step) * step)
    span = chart.bottom - chart.top
    chart.grid = [(chart.bottom - span * v / ceiling, v) for v in range(0, ceiling + 1, step)]
    slot = (width - chart.left - 8) / max(1, len(points))
    every = max(1, round(len(points) / 12))  # at most about twelve labels: the months of a year
    chart.ticks = [
        (round(chart.left + index * slot + slot / 2, 1), label)
        for index, (label, _) in enumerate(points)
        if index % every == 0
    ]
    return chart, slot, span / ceiling


def bar_chart(points: list[tuple[str, int]], *, width: int = 760, height: int = 200) -> BarChart:
    """Bars for (label, value) points, oldest first, on one labelled scale."""
    if not points:
        return BarChart(width, height, top=12, bottom=height - 28, left=40)
    chart, slot, scale = _frame(points, max(value for _, value in points), width, height)
    for index, (label, value) in enumerate(points):
        x = chart.left + index * slot
        tall = scale * value
        chart.bars.append(
            Bar(
                round(x + slot * 0.15, 1),
                round(chart.bottom - tall, 1),
                round(slot * 0.7, 1),
                round(tall, 1),
                label,
                value,
                True,
            )
        )
    return chart


def running_total_chart(points: list[tuple[str, int]], *, width: int = 760, height: int = 200) -> BarChart:
    """A line of the running total of (label, value) points, on its own labelled scale."""
    if not points:
        return BarChart(width, height, top=12, bottom=height - 28, left=40)
    total = sum(value for _, value in points)
    chart, slot, scale = _frame(points, total, width, height)
    running, line = 0, []
    for index, (_, value) in enumerate(points):
        running += value
        line.append(f"{chart.left + index * slot + slot / 2:.1f},{chart.bottom - scale * running:.1f}")
    chart.line, chart.line_max = " ".join(line), total
    return chart
