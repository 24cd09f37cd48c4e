"""typer's parameter values checked without pydantic where pydantic would hand them back unchanged.

Why: typer (0.29+) coerces every parameter of the command it runs through a pydantic TypeAdapter
built for it (`typer._coercion.build_runtime_param`). Importing pydantic and building those
adapters is ~0.1 s of CPU, a quarter of what `duban tasks` may take in all, while for the values a
command mostly gets (a default, a task code, a flag, a choice of an Enum) the adapter returns the
value it was given or the Enum member typer's own `coerce_cli_choice` picks.

Here each parameter gets a runtime param that answers those cases itself and builds typer's own
adapter for anything else (a number or a path typed on the command line, a parser, a list, a
file): the first time a value is not one of those cases, or typer's choice rule refuses it (the
adapter then gives typer's own error message). What the command receives and every error it prints
are typer's. `install()` is a no-op on a typer without this layout (an older typer coerces through
click's types, without pydantic).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


def install() -> None:
    """Route typer's runtime coercion through `lazy_builder` (once per process)."""
    try:
        core = importlib.import_module("typer.core")
    except ImportError:
        return
    build = getattr(core, "build_runtime_param", None)
    if build is None or getattr(build, "lazy", False):
        return
    lazy = lazy_builder(build)
    if lazy is not None:
        core.build_runtime_param = lazy


def lazy_builder(build: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
    """typer's `build_runtime_param` made lazy: what it builds, built only for a value the cases
    above do not answer (None on a typer without its runtime params)."""
    try:
        coercion = importlib.import_module("typer._coercion")
        param_types = importlib.import_module("typer._param_types")
    except ImportError:
        return None
    base = getattr(coercion, "RuntimeParam", None)
    choose = getattr(param_types, "coerce_cli_choice", None)
    if base is None or choose is None:
        return None

    @dataclass(frozen=True, eq=False)
    class _LazyParam(base):  # type: ignore[misc, valid-type]
        descriptor: Any = None
        built: list[Any] = field(default_factory=list)  # typer's own runtime param, once needed

        def real(self) -> Any:
            if not self.built:
                self.built.append(build(self.descriptor))
            return self.built[0]

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation, info = self.annotation, self.parameter_info
            if info.parser is None:
                if issubclass(annotation, Enum):
                    try:  # what typer's choice adapter runs
                        return choose(
                            value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx
                        )
                    except Exception:  # typer's adapter words the refusal
                        pass
                # str, int and bool adapters return a value of exactly their type as it is (a
                # bool is no int here: `type(value) is`); a ranged or clamped number is checked.
                elif type(value) is annotation and (
                    annotation in (str, bool) or (annotation is int and info.min is None and info.max is None)
                ):
                    return value
            return self.real()._coerce_value(value, param, ctx)

    def lazy_build(descriptor: Any) -> Any:
        if descriptor.file_annotation is not None or not isinstance(descriptor.annotation, type):
            return build(descriptor)  # files, lists, tuples, Literal: typer's own at once
        return _LazyParam(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation, descriptor=descriptor
        )

    lazy_build.lazy = True  # type: ignore[attr-defined]
    return lazy_build
