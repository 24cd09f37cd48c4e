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
    width: int
    height: int
    top: int  # the plot area's top and bottom (y grows downwards)
    bottom: int
    left: int
    bars: list[Bar] = field(default_factory=list)
    grid: list[tuple[float, int]] = field(default_factory=list)  # (y, value) of horizontal lines
    line: str = ""  # "x,y x,y …" of the running total, scaled to its own maximum
    line_max: int = 0


def _step(peak: int) -> int:
    """A round grid step giving at most about four lines up to `peak`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 4:
            return step
    return max(1, peak // 4)


def bar_chart(points: list[tuple[str, int]], *, width: int = 760, height: int = 220) -> BarChart:
    """Bars for (label, value) points, oldest first, with a line for their running total."""
    chart = BarChart(width, height, top=12, bottom=height - 28, left=40)
    if not points:
        return chart
    span = chart.bottom - chart.top
    peak = max(value for _, value in points)
    step = _step(peak) if peak else 1
    ceiling = max(step, -(-peak // step) * step)
    chart.grid = [(chart.bottom - span * v / ceiling, v) for v in range(0, ceiling + 1, step)]
    slot = (width - chart.left - 8) / len(points)
    every = max(1, round(len(points) / 8))  # about eight labels, whatever the number of weeks
    running, line = 0, []
    chart.line_max = sum(value for _, value in points)
    for index, (label, value) in enumerate(points):
        x = chart.left + index * slot
        tall = span * value / ceiling
        chart.bars.append(
            Bar(
                round(x + slot * 0.15, 1),
                round(chart.bottom - tall, 1),
                round(slot * 0.7, 1),
                round(tall, 1),
                label,
                value,
                index % every == 0,
            )
        )
        running += value
        share = running / chart.line_max if chart.line_max else 0
        line.append(f"{x + slot / 2:.1f},{chart.bottom - span * share:.1f}")
    chart.line = " ".join(line)
    return chart
