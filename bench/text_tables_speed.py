"""workflows.text_tables beside tabulate on tables shaped like a digest's and a look-back's.

Run: `python bench/text_tables_speed.py [--rows 30000] [--repeat 3]`

Rows like a unit digest's task list (code, role, plan, point, Chinese title, due date, status, last
report) and like the look-back's pipe tables (every cell already text). Each layout is timed
`--repeat` times, tabulate and text_tables alternated; the minimum is printed. The outputs are
compared as well: a difference is printed, never hidden.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tabulate import tabulate

from workflows import text_tables

WORDS = [
    "加强",
    "政务公开",
    "平台建设",
    "编制",
    "标准",
    "目录",
    "（试行）",
    "年度报告",
    "解读",
    "办公室",
    "信息中心",
]


def digest_rows(count: int, rng: random.Random) -> tuple[list[str], list[list[object]]]:
    headers = ["编号", "角色", "计划", "要点", "事项", "期限", "逾期", "状态", "最近报送"]
    rows: list[list[object]] = []
    for n in range(count):
        title = "".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8)))
        due = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        rows.append(
            [
                f"T{n + 1}",
                rng.choice(["牵头", "配合"]),
                "2025年政务公开工作要点",
                f"{rng.choice('一二三四五')}、{rng.randint(1, 30)}",
                title,
                due if rng.random() < 0.8 else "每季度",
                f"{rng.randint(1, 200)} 天",
                rng.choice(["未启动", "推进中", "已完成"]),
                rng.choice([None, "—", "已起草初稿"]),
            ]
        )
    return headers, rows


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    headers, rows = digest_rows(args.rows, random.Random(7))
    texts = [["" if c is None else str(c) for c in row] for row in rows]
    cases = {
        "simple (digest rows)": (
            lambda: tabulate(rows, headers, tablefmt="simple"),
            lambda: text_tables.simple(headers, rows),
        ),
        "github, no numparse (look-back)": (
            lambda: tabulate(texts, headers, tablefmt="github", disable_numparse=True),
            lambda: text_tables.github(headers, texts),
        ),
    }
    print(f"\n{args.rows:,} rows, best of {args.repeat}, seconds\n")
    print(f"{'layout':34} {'tabulate':>9} {'text_tables':>12} {'ratio':>6}")
    for label, (slow, fast) in cases.items():
        if slow() != fast():
            print(f"{label}: OUTPUTS DIFFER")
        best_slow = min(timed(slow) for _ in range(args.repeat))
        best_fast = min(timed(fast) for _ in range(args.repeat))
        print(f"{label:34} {best_slow:9.2f} {best_fast:12.2f} {best_slow / best_fast:5.1f}x")


if __name__ == "__main__":
    main()
