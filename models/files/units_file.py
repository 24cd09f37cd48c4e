"""The units file (plans/units.toml, and `[[units]]` in config.toml): a unit as described before it
reaches the registry. Apart from models.reads.units, which needs the tables and SQLAlchemy, so that
reading the settings, which every command does, never imports the database layer."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from models.errors import BadInput
from models.vocabulary.i18n import _


class UnitSpec(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: str = ""
    leader: str = ""
    channels: list[str] = Field(default_factory=list)


def read_registry(path: Path) -> list[UnitSpec]:
    """Units from a TOML file of `[[units]]` tables (plans/units.toml)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadInput(
            _("cannot read the unit registry: {error}").format(error=error), source=path
        ) from error
    except RecursionError:
        raise BadInput(_("TOML nested too deeply: cannot be read"), source=path, code="units.toml") from None
    try:
        return [UnitSpec.model_validate(item) for item in data.get("units", [])]
    except ValidationError as error:
        raise BadInput(_("units: {problem}").format(problem=error.errors()[0]["msg"]), source=path) from error
