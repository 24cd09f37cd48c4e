"""A unit as config.toml and plans/units.toml describe it, before it reaches the registry.

Kept apart from models.writes.units (which needs the tables and SQLAlchemy) so that reading the
settings, which every command does, never imports the database layer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UnitSpec(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: str = ""
    leader: str = ""
    channels: list[str] = Field(default_factory=list)
