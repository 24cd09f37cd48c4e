"""The parser on the real documents of tests/data/corpus, scored as the labelling standard scores them.

tests/data/corpus holds real work plans and reports exactly as they were found on the web, with
their ground truth and the labelling rules (its README.md). This test parses every document in
process and computes the same figures as the project's scoring tool: tasks F1 by path; titles,
units, lead units and deadlines on the matched tasks; kind; and end to end, where a missed task
loses its units and deadline. Every figure must stay at or above FLOOR.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from models.plan import ParsedPlan
from parsing.plan import parse_document
from parsing.script import to_simplified

CORPUS = Path(__file__).parent / "data" / "corpus"
FLOOR = 0.95
# What the comparison ignores: whitespace and punctuation (Traditional is folded to Simplified).
_PUNCT = re.compile(r"[\s\u3000，。、；：:;,.!！?？“”\"'‘’（）()《》〈〉【】\[\]—\-·…]")


def fold(text: str | None) -> str:
    return _PUNCT.sub("", to_simplified(text or "")).lower()


def path_key(path: list[str]) -> tuple[str, ...]:
    return tuple(fold(str(label)) for label in path)


def f1(hits: int, predicted: int, true: int) -> float:
    if predicted == 0 and true == 0:
        return 1.0
    precision = hits / predicted if predicted else 0.0
    recall = hits / true if true else 0.0
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass
class Tally:
    hits: int = 0
    predicted: int = 0
    true: int = 0
    matched: int = 0
    titles: int = 0
    unit_hits: int = 0
    units_predicted: int = 0
    units_true: int = 0
    leads: int = 0
    deadline_types: int = 0
    deadline_dates: int = 0
    kinds: int = 0
    documents: int = 0
    units_missed: int = 0  # units of truth tasks the parse did not find
    units_extra: int = 0  # units of tasks the parse made up
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, truth: dict, plan: ParsedPlan) -> None:
        self.documents += 1
        self.kinds += plan.kind.value == truth["kind"]
        if plan.kind.value != truth["kind"]:
            self.misses.append(f"{name}: kind {plan.kind.value}, truth {truth['kind']}")
        ignored = {path_key(path) for path in truth.get("ignore_paths", [])}
        wanted = {path_key(task["path"]): task for task in truth["tasks"]}
        got: dict[tuple[str, ...], object] = {}
        tasks = [task for task in plan.tasks if path_key(task.path) not in ignored]
        for task in tasks:
            got.setdefault(path_key(task.path), task)
        both = set(wanted) & set(got)
        self.hits += len(both)
        self.predicted += len(tasks)
        self.true += len(wanted)
        self.misses += [f"{name}: missed {key}" for key in set(wanted) - both]
        self.misses += [f"{name}: extra {key}" for key in set(got) - both]
        for key in both:
            self._compare(name, key, wanted[key], got[key])
        for key in set(wanted) - both:
            self.units_missed += len(wanted[key]["lead_units"] + wanted[key]["support_units"])
        for key in set(got) - both:
            task = got[key]
            self.units_extra += len(task.lead_units + task.support_units)  # type: ignore[attr-defined]

    def _compare(self, name: str, key: tuple[str, ...], true: dict, task) -> None:
        self.matched += 1
        want, have = fold(true["title"]), fold(task.title)
        self.titles += bool(want) and (want == have or (len(have) >= 4 and (have in want or want in have)))
        units_true = {fold(u) for u in true["lead_units"] + true["support_units"]}
        units_got = {fold(u) for u in task.lead_units + task.support_units}
        self.unit_hits += len(units_true & units_got)
        self.units_predicted += len(units_got)
        self.units_true += len(units_true)
        self.leads += {fold(u) for u in true["lead_units"]} == {fold(u) for u in task.lead_units}
        deadline = true["deadline"]
        date = task.deadline.date.isoformat() if task.deadline.date else None
        self.deadline_types += deadline["type"] == task.deadline.type.value
        self.deadline_dates += (deadline.get("date") or None) == date
        if units_true != units_got:
            self.misses.append(f"{name} {key}: units {sorted(units_got)}, truth {sorted(units_true)}")
        if deadline["type"] != task.deadline.type.value or (deadline.get("date") or None) != date:
            self.misses.append(f"{name} {key}: deadline {task.deadline.type.value} {date}, truth {deadline}")

    def figures(self) -> dict[str, float]:
        matched = max(self.matched, 1)
        return {
            "tasks_f1": f1(self.hits, self.predicted, self.true),
            "title": self.titles / matched,
            "units_f1": f1(self.unit_hits, self.units_predicted, self.units_true),
            "lead": self.leads / matched,
            "dl_type": self.deadline_types / matched,
            "dl_date": self.deadline_dates / matched,
            "kind": self.kinds / max(self.documents, 1),
            "e2e_units": f1(
                self.unit_hits, self.units_predicted + self.units_extra, self.units_true + self.units_missed
            ),
            "e2e_deadline": self.deadline_dates / max(self.true, 1),
        }


@pytest.fixture(scope="module")
def tally() -> Tally:
    result = Tally()
    for truth_file in sorted((CORPUS / "truth").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        plan = parse_document(CORPUS / "docs" / f"{truth_file.stem}.txt")
        result.add(truth_file.stem, truth, plan)
    return result


def test_the_corpus_is_in_the_repository():
    docs = sorted(path.stem for path in (CORPUS / "docs").glob("*.txt"))
    assert docs and docs == sorted(path.stem for path in (CORPUS / "truth").glob("*.json"))
    assert (CORPUS / "README.md").is_file()


@pytest.mark.parametrize(
    "figure",
    ["tasks_f1", "title", "units_f1", "lead", "dl_type", "dl_date", "kind", "e2e_units", "e2e_deadline"],
)
def test_every_figure_meets_the_floor(tally, figure):
    value = tally.figures()[figure]
    assert value >= FLOOR, f"{figure} = {value:.2f} < {FLOOR}:\n" + "\n".join(tally.misses)
