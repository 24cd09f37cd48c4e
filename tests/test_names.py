"""What people read for a plan and a point: short names (derived, or set by the office) and
paths written as documents write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.reads.names import default_short_name, path_label

PLANS = Path(__file__).resolve().parent.parent / "plans"
runner = CliRunner()


@pytest.mark.parametrize(
    ("path", "label"),
    [
        (["五", "12"], "五、12"),
        (["二", "（三）", "2"], "二（三）2"),
        (["一", "（一）"], "一（一）"),
        (["（一）", "1"], "（一）1"),
        (["3"], "3"),
        (["2021-jilin-amr-gongkai-yaodian", "T29"], "2021-jilin-amr-gongkai-yaodian T29"),
    ],
)
def test_paths_read_as_documents_write_them(path, label):
    assert path_label(path) == label


@pytest.mark.parametrize(
    ("title", "year", "issuer", "name"),
    [
        (
            "2021年吉林省市场监督管理厅政务公开工作要点",
            2021,
            "吉林省市场监督管理厅",
            "2021年政务公开工作要点",
        ),
        ("吉林省药品监督管理局2024年政务公开工作要点", 2024, "", "2024年政务公开工作要点"),
        ("2021年度政务公开工作方案", 2021, "", "2021年度政务公开工作方案"),
        (
            "关于印发《临沂市卫生健康委员会2021年政务公开工作实施方案》的通知",
            None,
            "",
            "2021年政务公开工作实施方案",
        ),
        (
            "澠池縣市場監督管理局食品藥品監管領域政務公開標準化規范化工作實施方案",
            2020,
            "澠池縣市場監督管理局",
            "2020年食品藥品監管領域政…工作實施方案",
        ),
        ("", 2021, "", "2021-key"),
    ],
)
def test_a_short_name_comes_from_the_title_and_year(title, year, issuer, name):
    assert default_short_name(title, year=year, issuer=issuer, key="2021-key") == name


def duban(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_the_office_renames_a_plan_and_every_listing_reads_it(cli_env):
    assert duban("import", *map(str, sorted(PLANS.glob("*.plan.toml")))).exit_code == 0
    key = "2021-jilin-amr-gongkai-yaodian"
    rows = json.loads(duban("plans", "-f", "json").stdout)
    assert next(r["name"] for r in rows if r["plan"] == key) == "2021年政务公开工作要点"
    assert duban("plans", "--rename", key, "省局公开要点").stdout.strip() == f"{key}: 省局公开要点"
    tasks = json.loads(duban("tasks", "--plan", key, "-f", "json", "--as-of", "2021-06-01").stdout)
    assert {t["plan"] for t in tasks} == {"省局公开要点"} and "一、1" in {t["path"] for t in tasks}
    first = next(t["task"] for t in tasks if t["path"] == "一、1")
    assert "省局公开要点 一、1" in duban("show", first).stdout
    # An empty name gives back the derived one; an unknown plan is refused.
    assert duban("plans", "--rename", key, "").stdout.strip() == f"{key}: 2021年政务公开工作要点"
    assert duban("plans", "--rename", "no-such-plan", "x").exit_code == 3
