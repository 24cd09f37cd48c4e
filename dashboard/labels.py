"""Chinese names for the ledger's values on the pages (the stored values stay English)."""

from __future__ import annotations

from models.excel import STATUS_LABELS
from models.rules.ladder import CHECKIN, CHECKIN_NAME
from models.settings import Settings

LIGHT_LABELS = {"red": "逾期", "yellow": "临期", "green": "正常", "grey": "长期/未定", "done": "办结"}
DEADLINE_TYPES = {
    "date": "具体日期",
    "period_end": "期末",
    "recurring": "定期",
    "ongoing": "长期",
    "none": "未明确",
}
ACTIONS = {
    "import": "导入",
    "update": "报送进展",
    "defer": "延期",
    "schedule": "设定时限",
    "assign": "调整分工",
    "withdraw": "撤回",
    "merge": "合并单位",
    "carry_over": "结转",
}
FIELDS = {
    "status": "状态",
    "progress": "进度",
    "due_date": "到期日",
    "deadline_type": "时限类型",
    "title": "标题",
    "body": "内容",
    "created": "创建",
    "withdrawn": "撤回",
    "units": "责任单位",
}
SORT_LABELS = {"due": "到期日", "plan": "计划", "status": "状态", "code": "编号"}


def level_names(settings: Settings) -> dict[str, str]:
    """Escalation level -> its name in config.toml (提醒, 逾期催办 …), check-ins included."""
    return {level.level: level.name for level in settings.escalation} | {CHECKIN: CHECKIN_NAME}


LABELS = {
    "status": STATUS_LABELS,
    "light": LIGHT_LABELS,
    "deadline": DEADLINE_TYPES,
    "action": ACTIONS,
    "field": FIELDS,
    "sort": SORT_LABELS,
}
