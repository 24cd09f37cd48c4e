"""Rows out in the three formats every listing command offers: table, json, csv."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any

from tabulate import tabulate


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


BOM = "\ufeff"
CSV_HEADERS = {
    "task": "任务编号",
    "plan": "计划",
    "path": "序号路径",
    "title": "名称",
    "lead": "牵头单位",
    "support": "配合单位",
    "due": "到期日",
    "status": "状态",
    "progress": "进度(%)",
    "light": "灯",
    "year": "年度",
    "kind": "类型",
    "tasks": "任务数",
    "done": "已完成",
    "overdue": "逾期",
    "unit": "单位",
    "aliases": "别名",
    "leader": "分管领导",
    "state": "状态",
    "name": "用户名",
    "role": "角色",
    "active": "启用",
    "submitted": "报送日期",
    "by": "报送人",
    "source": "来源",
    "text": "内容",
    "id": "编号",
    "period": "周期",
    "recipient": "接收方",
    "subject": "主题",
    "sent": "发送时间",
    "tries": "尝试次数",
    "error": "错误",
}


def render(headers: list[str], rows: list[list[Any]], fmt: Format) -> str:
    if fmt is Format.json:
        return json.dumps(
            [dict(zip(headers, row, strict=True)) for row in rows], ensure_ascii=False, indent=2, default=str
        )
    if fmt is Format.csv:
        # For the office's spreadsheet: Excel reads UTF-8 only after a byte-order mark (without it,
        # GBK mojibake), and the columns carry the names the office uses. JSON keeps the stable keys.
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        writer.writerow([CSV_HEADERS.get(h, h) for h in headers])
        writer.writerows([[("" if v is None else v) for v in row] for row in rows])
        return buffer.getvalue()
    return (
        tabulate([[("" if v is None else v) for v in row] for row in rows], headers=headers)
        if rows
        else "(none)"
    )
