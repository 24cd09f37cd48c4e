"""The words the pages show for the ledger's values: those of models.vocabulary, one copy for every
face (the stored values stay English)."""

from __future__ import annotations

from models.rules.ladder import CHECKIN, CHECKIN_NAME
from models.settings import Settings
from models.vocabulary import (
    ACTIONS,
    CHASE_METHODS,
    DEADLINE_TYPES,
    FIELDS,
    LIGHTS,
    PACE_LIGHTS,
    PENDING_LABELS,
    SORTS,
    STATUSES,
)
from models.vocabulary.errors import FIELD_NAMES
from models.vocabulary.lifecycle_reports import LEVEL_NAMES


def level_names(settings: Settings) -> dict[str, str]:
    """Escalation level -> its name in config.toml (提醒, 逾期催办 …), check-ins included."""
    pace = {level.level: level.name for level in settings.lifecycle.pace_levels}  # 序时进度 rungs
    return (
        {level.level: level.name for level in settings.escalation}
        | {CHECKIN: CHECKIN_NAME}
        | LEVEL_NAMES
        | pace
    )


LABELS = {
    "status": STATUSES,
    "light": LIGHTS,
    "deadline": DEADLINE_TYPES,
    "action": ACTIONS,
    "field": FIELDS,
    "sort": SORTS,
    "pace": PACE_LIGHTS,  # 序时进度
    "chase_method": CHASE_METHODS,
    "pending": PENDING_LABELS,  # a pending 延期申请 / 办结申请, shown beside the status it leaves standing
    # The form fields' labels: the names a coded error gives its field on the pages, so an error
    # about `reason` says 延期理由, the label of the box it is about.
    "form": FIELD_NAMES,
}
