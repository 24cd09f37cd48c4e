"""A draft of the statutory 政府信息公开工作年度报告, in the layout of 国办公开办函〔2021〕30号.

The ledger fills what it knows: 一、总体情况 (what was done under the year's 要点, part by part,
with the latest progress reported) and 五、存在的主要问题及改进情况 (last year's carried-over
items and how far they got, the unfinished items, where they go next). The statistical tables of
parts 二、三、四 are laid out as the format prescribes and left empty for the office, marked; so is
every piece of prose the office must write.
"""

from __future__ import annotations

from collections import defaultdict

from models.reads.lookback_views import NO_LEAD, Lookback
from models.writes.carry_over_report import CarryOverReport
from workflows.documents.common import agency, plan_names, signer, units_text
from workflows.documents.gongwen import Blank, Cell, Document, Outline, cn_date
from workflows.lookback_outline import rate_text

RECTIFICATION = "rectification"
LISTED = 8

APPLICATION_ROWS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "（四）无法提供",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "（五）不予处理",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
]
TABLE_NOTE = "【待补充：本表数据由政府信息公开工作机构按年度统计后填写】"


def report_title(lookback: Lookback, issuer: str | None) -> str:
    return f"{agency(lookback, issuer)}{lookback.year}年政府信息公开工作年度报告"


def render_annual_report(
    lookback: Lookback, *, issuer: str | None = None, carried: CarryOverReport | None = None
) -> bytes:
    title = report_title(lookback, issuer)
    who = signer(lookback, issuer)
    doc = Document(title=title, author=who)
    doc.title(title, "（草稿：数据取自督办台账，标注“待补充”处由政务公开办补充）")
    year = lookback.year
    doc.paragraph(
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作"
        f"年度报告格式》（国办公开办函〔2021〕30号）要求编制。本报告统计期限自{year}年1月1日起至{year}年12月31日止。",
        Blank("本报告电子版的查阅网址，以及对本报告有疑问时的联系单位、地址、电话"),
    )
    outline = Outline()
    _overall(doc, outline, lookback)
    _statistics(doc, outline)
    _problems(doc, outline, lookback, carried)
    doc.heading(1, outline.next(1) + "其他需要报告的事项")
    t = lookback.totals
    doc.paragraph(
        f"{outline.next(2)}年度政务公开工作要点落实情况。{plan_names(lookback)}共部署任务{t.total}项，"
        f"截至{cn_date(lookback.as_of)}，有明确完成时限的{t.dated}项中已完成{t.done}项，完成率{rate_text(t)}；"
        f"持续推进事项{t.ongoing}项，常态化推进。"
    )
    doc.paragraph(
        outline.next(2),
        Blank(
            "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况；人大代表建议和政协提案办理结果公开情况；其他需要报告的事项"
        ),
    )
    doc.signature(who, lookback.as_of)
    return doc.to_bytes()


def _plans(lookback: Lookback, *, rectification: bool) -> list:
    return [p for p in lookback.plans if (p.kind == RECTIFICATION) == rectification]


def _overall(doc: Document, outline: Outline, lookback: Lookback) -> None:
    doc.heading(1, outline.next(1) + "总体情况")
    plans = _plans(lookback, rectification=False)
    names = "".join(f"《{p.title or p.key}》" for p in plans)
    done = sum(p.counts.done for p in plans)
    total = sum(p.counts.total for p in plans)
    doc.paragraph(
        f"{lookback.year}年，{agency(lookback, None) or '本机关'}认真贯彻落实《条例》和上级部署，"
        f"按照{names}推进政务公开工作，{total}项任务中已完成{done}项，其余按计划推进。",
        Blank("全年政府信息公开工作的总体情况"),
    )
    keys = {p.key for p in plans}
    done_by = defaultdict(list)
    for item in lookback.done:
        done_by[(item.plan, item.path[0])].append(item)
    progress_by = defaultdict(list)
    for entry in lookback.ongoing:
        if entry.note:
            progress_by[(entry.plan, entry.path[0])].append(entry)
    for item in lookback.unfinished:
        if item.category != "ongoing" and item.reason and item.reason_kind == "progress":
            progress_by[(item.plan, item.path[0])].append(item)
    for section in lookback.sections:
        if section.plan not in keys or section.kind != "tasks":
            continue
        doc.heading(2, outline.next(2) + (section.title or section.label))
        key = (section.plan, section.label)
        sentences = [f"{item.title}，已完成" for item in done_by.get(key, [])[:LISTED]]
        sentences += [
            f"{entry.title}，{(getattr(entry, 'note', '') or getattr(entry, 'reason', '')).strip().rstrip('。')}"
            for entry in progress_by.get(key, [])[:LISTED]
        ]
        if sentences:
            doc.paragraph("；".join(sentences) + "。")
        doc.paragraph(Blank("本方面工作的具体做法、公开数量等数据和成效"))
    doc.paragraph(Blank("按主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障等方面核对补充"))


def _statistics(doc: Document, outline: Outline) -> None:
    label = lambda text, span=1, **kw: Cell(text, span=span, label=True, **kw)  # noqa: E731
    doc.heading(1, outline.next(1) + "主动公开政府信息情况")
    doc.paragraph(Blank("按下表填写，数据由政府信息公开工作机构统计"))
    empty3 = Cell("", span=3)
    doc.form(
        [46, 36, 36, 38],
        [
            [label("第二十条第（一）项", 4)],
            [label("信息内容"), label("本年制发件数"), label("本年废止件数"), label("现行有效件数")],
            [label("规章"), "", "", ""],
            [label("行政规范性文件"), "", "", ""],
            [label("第二十条第（五）项", 4)],
            [label("信息内容"), label("本年处理决定数量", 3)],
            [label("行政许可"), empty3],
            [label("第二十条第（六）项", 4)],
            [label("信息内容"), label("本年处理决定数量", 3)],
            [label("行政处罚"), empty3],
            [label("行政强制"), empty3],
            [label("第二十条第（八）项", 4)],
            [label("信息内容"), label("本年收费金额（单位：万元）", 3)],
            [label("行政事业性收费"), empty3],
        ],
        size=10.5,
        label_size=10.5,
    )
    doc.heading(1, outline.next(1) + "收到和处理政府信息公开申请情况")
    doc.paragraph(Blank("按下表填写，数据由政府信息公开工作机构统计"))
    left = {"align": "left"}
    rows = [
        [
            label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", vmerge="restart"),
            label("申请人情况", 7),
        ],
        [
            label("", vmerge="continue"),
            label("自然人", vmerge="restart"),
            label("法人或其他组织", 5),
            label("总计", vmerge="restart"),
        ],
        [
            label("", vmerge="continue"),
            label("", vmerge="continue"),
            label("商业企业"),
            label("科研机构"),
            label("社会公益组织"),
            label("法律服务机构"),
            label("其他"),
            label("", vmerge="continue"),
        ],
    ]
    rows += [[Cell(text, **left), *([""] * 7)] for text in APPLICATION_ROWS]
    doc.form([52, 13, 13, 13, 13, 13, 13, 13], rows, size=10.5, label_size=10.5, header_rows=3)
    doc.new_section(landscape=True)  # fifteen columns: turned, each column stays three characters wide
    doc.heading(1, outline.next(1) + "政府信息公开行政复议、行政诉讼情况")
    doc.paragraph(Blank("按下表填写，数据由政府信息公开工作机构统计"))
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    doc.form(
        [10] * 15,
        [
            [label("行政复议", 5, vmerge="restart"), label("行政诉讼", 10)],
            [label("", 5, vmerge="continue"), label("未经复议直接起诉", 5), label("复议后起诉", 5)],
            [label(text) for text in results * 3],
            [""] * 15,
        ],
        size=10.5,
        label_size=10.5,
        heights_mm=[0, 0, 0, 10],
    )
    doc.new_section(landscape=False)


def _problems(doc: Document, outline: Outline, lookback: Lookback, carried: CarryOverReport | None) -> None:
    doc.heading(1, outline.next(1) + "存在的主要问题及改进情况")
    rectifications = _plans(lookback, rectification=True)
    doc.heading(2, outline.next(2) + "上年度问题整改情况")
    if rectifications:
        for plan in rectifications:
            c = plan.counts
            doc.paragraph(
                f"上年度未完成的{c.total}项事项纳入《{plan.title or plan.key}》整改，截至{cn_date(lookback.as_of)}"
                f"已完成{c.done}项，{c.unfinished}项仍在推进。"
            )
    else:
        doc.paragraph("台账中没有上年度转入的整改事项。", Blank("上年度年度报告所列问题的整改情况"))
    doc.heading(2, outline.next(2) + "存在的主要问题")
    keys = {p.key for p in _plans(lookback, rectification=False)}
    unfinished = [item for item in lookback.unfinished if item.plan in keys]
    overdue = [item for item in unfinished if item.category == "overdue"]
    waiting = [item for item in unfinished if item.category == "not_started"]
    silent = [entry for entry in lookback.ongoing if entry.plan in keys and not entry.note]
    points = []
    if overdue:
        units = sorted({name for item in overdue for name in (item.lead or [NO_LEAD])})
        points.append(f"{len(overdue)}项任务逾期未完成，涉及{units_text(units)}")
    if waiting:
        points.append(f"{len(waiting)}项任务尚未启动")
    if silent:
        points.append(f"{len(silent)}项持续推进事项未按要求报送进展")
    if points:
        ordinals = "一二三四"
        doc.paragraph("；".join(f"{ordinals[i]}是{text}" for i, text in enumerate(points)) + "。")
    else:
        doc.paragraph("年度工作要点所列任务均已按期完成或按计划推进。")
    if overdue:
        doc.paragraph(
            "逾期未完成的任务："
            + "；".join(f"{item.title}（{units_text(item.lead)}）" for item in overdue[:LISTED])
            + (f"等{len(overdue)}项" if len(overdue) > LISTED else "")
            + "。"
        )
    doc.paragraph(Blank("问题的原因分析"))
    doc.heading(2, outline.next(2) + "改进措施")
    open_items = [item for item in unfinished if item.category != "ongoing"]
    if carried is not None and not carried.dry_run and carried.plans:
        doc.paragraph(
            f"上述未完成事项已转入《{carried.plans[0].title}》，逐项明确责任单位和完成时限，跟踪督办、办结销号。"
        )
    elif open_items:
        doc.paragraph(
            f"对上述{len(open_items)}项未完成事项，转入{lookback.year + 1}年度整改清单，逐项明确责任单位和完成时限，跟踪督办、办结销号。"
        )
    doc.paragraph(Blank("下一年度改进政府信息公开工作的具体措施"))
