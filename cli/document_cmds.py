"""`duban document …`: the office's documents in the 公文 layout (督办通报, 督办单, the annual-report
draft). Each is a thin call into workflows.documents.service; the look-back DOCX stays with
`duban lookback`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import context
from cli.errors import reported
from models.errors import BadInput
from models.vocabulary.i18n import _

app = typer.Typer(
    help=_("公文格式的文书：督办通报、督办单、政府信息公开工作年度报告（草稿）。"),
    no_args_is_help=True,
)

AsOf = Annotated[str | None, typer.Option("--as-of", help=_("截至日期（YYYY-MM-DD，默认今天）。"))]
Issuer = Annotated[str | None, typer.Option("--issuer", help=_("发文机关（落款）；默认取计划的发布机关。"))]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help=_("输出文件夹（默认 lookback.output），或单个 .docx 文件。")),
]


def _output(output: Path | None) -> Path:
    settings = context.settings()
    return output if output is not None else settings.resolve(settings.lookback.output)


@app.command(name="bulletin")
@reported
def bulletin(
    plan: Annotated[str | None, typer.Option("--plan", help=_("只通报这个计划（计划编号）。"))] = None,
    year: Annotated[int | None, typer.Option("--year", help=_("通报这一年度的全部计划。"))] = None,
    number: Annotated[
        int | None, typer.Option("--number", "-n", help=_("期号（第N期）；默认为本年度已发通报的下一期。"))
    ] = None,
    as_of: AsOf = None,
    issuer: Issuer = None,
    output: Output = None,
    actor: Annotated[str, typer.Option("--as", help=_("发通报的人（记入日志）。"))] = "office",
) -> None:
    """督办通报（第N期）：各牵头单位完成率，进度滞后的单位及其逾期事项。"""
    from workflows.documents.service import write_bulletin

    if (plan is None) == (year is None):
        raise BadInput("请给出 --plan 计划编号 或 --year 年度（二选一）")
    settings = context.settings()
    written = write_bulletin(
        context.ledger(),
        as_of=context.as_of(as_of),
        output=_output(output),
        plan=plan,
        year=year,
        number=number,
        issuer=issuer,
        plans_dir=settings.resolve(settings.plans.dir),
        actor=actor,
    )
    note = "" if written.recorded else "（此期号此前已记录，本次为重新生成）"
    print(f"第{written.number}期督办通报{note}：{written.paths[0]}")


@app.command(name="supervise")
@reported
def supervise(
    codes: Annotated[list[str] | None, typer.Argument(help=_("任务编号（如 T12），可列多个。"))] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help=_("为截至日期的全部逾期任务各出一份。"))] = False,
    plan: Annotated[str | None, typer.Option("--plan", help=_("与 --overdue 同用：只限这个计划。"))] = None,
    reply_days: Annotated[int, typer.Option("--reply-days", help=_("回执期限：交办后多少天内报送。"))] = 7,
    as_of: AsOf = None,
    issuer: Issuer = None,
    output: Output = None,
) -> None:
    """督办单：每项任务一页，含督办事项、承办单位、完成时限和回执。"""
    from workflows.documents.service import write_sheets

    if reply_days < 1:
        raise BadInput("--reply-days 至少为 1 天")
    settings = context.settings()
    written = write_sheets(
        context.ledger(),
        as_of=context.as_of(as_of),
        output=_output(output),
        codes=codes or [],
        overdue=overdue,
        plan=plan,
        issuer=issuer,
        reply_days=reply_days,
        due_soon_days=settings.ledger.due_soon_days,
    )
    if not written.paths:
        print("没有需要督办的任务。")
    for path in written.paths:
        print(f"督办单：{path}")


@app.command(name="annual-report")
@reported
def annual_report(
    year: Annotated[int, typer.Option("--year", help=_("报告年度。"))],
    as_of: AsOf = None,
    issuer: Issuer = None,
    output: Output = None,
) -> None:
    """政府信息公开工作年度报告（草稿，国办公开办函〔2021〕30号格式）：总体情况、存在的主要问题及改进情况由台账填写，统计表留待补充。"""
    from workflows.documents.service import write_annual_report

    settings = context.settings()
    written = write_annual_report(
        context.ledger(),
        as_of=context.as_of(as_of),
        year=year,
        output=_output(output),
        issuer=issuer,
        plans_dir=settings.resolve(settings.plans.dir),
    )
    print(f"年度报告草稿：{written.paths[0]}")
