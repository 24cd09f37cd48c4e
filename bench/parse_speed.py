"""How long parsing takes: each seed plan, and synthetic documents of 20,000 and 200,000 characters.

Run: `make bench` (or `uv run python bench/parse_speed.py`). Prints median and worst of N runs;
nothing is asserted — the numbers go into the README by hand when they change.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsing.plan import parse_text  # noqa: E402
from parsing.reading import read_document  # noqa: E402

RUNS = 30


def synthetic(characters: int) -> str:
    """A plan of 一、 sections, （一） points and 1. sub-points with units and deadlines, to size."""
    parts = ["某市2025年政务公开工作要点", "为做好政务公开工作，制定本要点。"]
    section = point = 0
    while sum(len(p) for p in parts) < characters:
        section += 1
        parts.append(f"{_cn(section)}、加强第{section}方面工作")
        for _ in range(4):
            point += 1
            parts.append(f"（{_cn(point)}）推进第{point}项重点工作。")
            for sub in range(1, 4):
                parts.append(
                    f"{sub}.落实第{point}-{sub}项任务。由市政府办公室牵头，市财政局、市司法局配合，"
                    f"于{1 + sub * 3}月底前完成相关制度建设，并及时公开办理结果，持续推进。"
                    "（责任单位：市政府办公室、市财政局及相关单位；完成时限：2025年9月底前）"
                )
    return "\n".join(parts)


def _cn(value: int) -> str:
    digits = "〇一二三四五六七八九"
    if value < 10:
        return digits[value]
    tens, ones = divmod(value % 100, 10)
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


def timed(text: str) -> tuple[float, float, int]:
    parse_text(text)  # warm up: regex compilation and the opencc dictionary load once per process
    samples = []
    tasks = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        tasks = len(parse_text(text).tasks)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples), tasks


def main() -> None:
    cases = [(path.name, read_document(path)) for path in sorted((ROOT / "plans").glob("*.txt"))]
    # The seed plans back to back, cut at 20,000 characters: the length of a long real document. The
    # parser reads each seed's signature and the next seed's title as a notice issuing a new plan,
    # so only the last seed's points are tasks; the time is what this row measures.
    seeds = "\n".join(text for name, text in cases if "report" not in name)
    cases += [("seed plans, 20k", (seeds * 2)[:20_000])]
    # Denser than any real plan: every point carries a units clause and dates.
    cases += [("synthetic-20k", synthetic(20_000)), ("synthetic-200k", synthetic(200_000))]
    print(f"{'document':44} {'chars':>8} {'tasks':>6} {'median ms':>10} {'max ms':>8}")
    for name, text in cases:
        median, worst, tasks = timed(text)
        print(f"{name:44} {len(text):>8} {tasks:>6} {median:>10.2f} {worst:>8.2f}")


if __name__ == "__main__":
    main()
