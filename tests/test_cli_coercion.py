"""cli/coercion.py: a command gets the values, and a bad value the error, typer's own adapters give."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param, resolve_type_descriptor
from typer.models import OptionInfo

from cli.coercion import lazy_builder


class Colour(StrEnum):
    red = "red"
    green = "green"


def outcome(runtime: Any, value: Any) -> tuple[str, Any]:
    try:
        return "value", runtime._coerce_value(value, param=None, ctx=None)
    except BadParameter as error:
        return "error", error.format_message()


CASES = [
    (str, OptionInfo(), ["T1", "", "任务", 5]),
    (int, OptionInfo(), [3, "3", " 3", "x", 3.5, True]),
    (int, OptionInfo(min=0, max=10), [3, 11, "4"]),
    (bool, OptionInfo(), [True, False, "true", "no", 1]),
    (Colour, OptionInfo(), [Colour.red, "red", "green", "RED", "blue", 1]),
    (Colour, OptionInfo(case_sensitive=False), ["RED", "Green", "blue"]),
    (Path, OptionInfo(), ["a/b", Path("c")]),
    (float, OptionInfo(), ["1.5", 2.0]),
    (str, OptionInfo(parser=str.upper), ["abc"]),
]


@pytest.mark.parametrize(("annotation", "info", "values"), CASES)
def test_the_same_values_and_errors_as_typers_own(
    annotation: Any, info: OptionInfo, values: list[Any]
) -> None:
    lazy = lazy_builder(build_runtime_param)
    assert lazy is not None
    descriptor = resolve_type_descriptor(annotation, info)
    for value in values:
        expected = outcome(build_runtime_param(descriptor), value)
        found = outcome(lazy(descriptor), value)
        assert found == expected and type(found[1]) is type(expected[1]), (annotation, value)


def test_the_common_values_need_no_pydantic(tmp_path: Path) -> None:
    """A default, a task code, a flag and an Enum choice are answered without typer's adapters
    (which import pydantic): run in a fresh interpreter so that nothing imported it before."""
    import subprocess

    program = """
import sys, typer
from enum import StrEnum
from typing import Annotated
from cli import coercion
coercion.install()
class Fmt(StrEnum):
    table = "table"
    json = "json"
app = typer.Typer()
@app.command()
def run(code: str, n: Annotated[int | None, typer.Option()] = None, flag: bool = False, fmt: Fmt = Fmt.table) -> None:
    print(code, n, flag, repr(fmt))
app(["T1", "--flag", "--fmt", "json"], standalone_mode=False)
assert "pydantic" not in sys.modules, "pydantic imported"
app(["T1", "--n", "3"], standalone_mode=False)
assert "pydantic" in sys.modules  # a number typed in: typer's own adapter
"""
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=Path(__file__).parent.parent
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["T1 None True <Fmt.json: 'json'>", "T1 3 False <Fmt.table: 'table'>"]


def test_installed_by_the_cli() -> None:
    import typer.core

    import cli.main  # noqa: F401

    assert getattr(typer.core.build_runtime_param, "lazy", False)
