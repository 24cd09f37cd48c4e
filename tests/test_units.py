"""Responsible units: labelled clauses, table cells, prose, list splitting, and seed 004's points."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.units import UnitRefs, find_units, split_unit_list


def roles(refs: UnitRefs) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    return refs.lead, refs.support, refs.open_ended


def clause(text: str, refs: UnitRefs) -> str | None:
    return text[refs.span[0] : refs.span[1]] if refs.span else None


# --- labelled clauses -------------------------------------------------------------------------


def test_parenthesised_clause_with_open_ended_tail():
    # A bare 责任 list names no lead: all of it leads; 及 splits whole names, the collective kept.
    text = "强化审核把关。（责任处室：办公室、法规处及相关处室单位）"
    refs = find_units(text)
    assert roles(refs) == (("办公室", "法规处", "相关处室单位"), (), True)
    assert clause(text, refs) == "（责任处室：办公室、法规处及相关处室单位）"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（责任处室：各相关处室单位）", (("各相关处室单位",), (), True)),
        ("（责任处室：办公室及相关处室单位）", (("办公室", "相关处室单位"), (), True)),
        ("（责任处室：科技财务处）", (("科技财务处",), (), False)),
    ],
)
def test_single_label_clause_forms(text, expected):
    refs = find_units(text)
    assert roles(refs) == expected
    assert refs.span == (0, len(text))


def test_open_ended_only_clause_is_not_empty():
    assert not find_units("（责任处室：各相关处室单位）").empty
    assert find_units("加强学习。").empty


def test_lead_and_support_labels_with_deadline_item_in_the_same_bracket():
    labelled = "（牵头单位：市大数据局；配合单位：市财政局、市审计局；完成时限：2022年6月底前）"
    text = "推进数据共享。" + labelled
    refs = find_units(text)
    assert roles(refs) == (("市大数据局",), ("市财政局", "市审计局"), False)
    assert clause(text, refs) == labelled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("建立舆情收集研判机制。（责任单位：市委网信办，9月30日前）", (("市委网信办",), ())),
        ("规范政务舆情回应。（责任单位：市公安局、市委宣传部，第三季度）", (("市公安局", "市委宣传部"), ())),
        ("抓好日常维护。（牵头单位：办公室；配合单位：信息中心，长期坚持）", (("办公室",), ("信息中心",))),
    ],
)
def test_a_time_written_among_the_units_is_not_a_unit(text, expected):
    # The deadline reader takes the time from the body; as a unit it would chase nobody.
    refs = find_units(text)
    assert (refs.lead, refs.support) == expected


def test_labels_in_any_order():
    text = "（完成时限：2022年底；配合单位：B局、C局；牵头单位：A局）"
    refs = find_units(text)
    assert roles(refs) == (("A局",), ("B局", "C局"), False)
    assert refs.span == (0, len(text))


def test_a_responsibility_list_without_a_named_lead_is_all_lead():
    assert roles(find_units("（责任单位：A局、B局；配合单位：C局）")) == (("A局", "B局"), ("C局",), False)
    assert roles(find_units("（责任单位：A局、B局按职责分工负责）")) == (("A局", "B局"), (), False)
    assert roles(find_units("（A局、B局共同负责）")) == (("A局", "B局"), (), False)


def test_explicit_lead_label_wins_over_responsible_order():
    assert roles(find_units("（责任单位：A局、B局；牵头单位：B局）")) == (("B局",), ("A局",), False)


@pytest.mark.parametrize(
    "label", ["责任单位", "牵头单位", "责任部门", "牵头部门", "主责单位", "责任处室", "责任科室"]
)
def test_every_lead_label(label):
    assert find_units(f"（{label}：市财政局）").lead == ("市财政局",)


@pytest.mark.parametrize("label", ["配合单位", "协办单位", "参与单位", "配合部门"])
def test_every_support_label(label):
    refs = find_units(f"（牵头单位：市财政局；{label}：市审计局）")
    assert roles(refs) == (("市财政局",), ("市审计局",), False)


def test_bare_label_line_after_the_point():
    text = "推进政务数据共享。\n责任单位：市发展改革委、市财政局\n"
    refs = find_units(text)
    assert roles(refs) == (("市发展改革委", "市财政局"), (), False)
    assert clause(text, refs) == "责任单位：市发展改革委、市财政局"


def test_bare_labels_on_consecutive_lines_form_one_clause():
    text = "推进政务数据共享。\n牵头单位：市财政局\n配合单位：市审计局、市统计局"
    refs = find_units(text)
    assert roles(refs) == (("市财政局",), ("市审计局", "市统计局"), False)
    assert clause(text, refs) == "牵头单位：市财政局\n配合单位：市审计局、市统计局"


def test_bare_clause_stops_before_a_deadline_label_and_takes_its_terminator():
    text = "推进数据共享。责任单位：市发展改革委、市财政局。完成时限：2022年底"
    refs = find_units(text)
    assert roles(refs) == (("市发展改革委", "市财政局"), (), False)
    assert clause(text, refs) == "责任单位：市发展改革委、市财政局。"
    assert "完成时限" in text[: refs.span[0]] + text[refs.span[1] :]


def test_several_clauses_in_one_point_give_the_union_in_order():
    text = "（责任单位：市财政局）推进。（责任单位：市审计局）"
    refs = find_units(text)
    assert refs.lead == ("市财政局", "市审计局")
    assert [text[a:b] for a, b in refs.spans] == ["（责任单位：市财政局）", "（责任单位：市审计局）"]


def test_ascii_colon_and_brackets():
    text = "(责任单位:办公室)"
    refs = find_units(text)
    assert roles(refs) == (("办公室",), (), False)
    assert refs.span == (0, len(text))


def test_ascii_semicolons_and_mixed_brackets():
    text = "(牵头单位:市财政局;配合单位:市审计局,市统计局）"
    refs = find_units(text)
    assert roles(refs) == (("市财政局",), ("市审计局", "市统计局"), False)
    assert refs.span == (0, len(text))


def test_short_role_labels_and_role_marks_inside_a_labelled_clause():
    assert roles(find_units("（牵头：市财政局；配合：市审计局）")) == (("市财政局",), ("市审计局",), False)
    assert find_units("（责任单位：市审计局、市财政局（牵头））").lead == ("市财政局",)


def test_a_label_with_nothing_after_it_still_gives_its_span():
    text = "加强学习。\n责任单位：\n"
    refs = find_units(text)
    assert refs.empty
    assert clause(text, refs) == "责任单位："


def test_nested_brackets_stay_inside_names_and_the_span():
    text = "（责任单位：各市（州）人民政府、省厅各处（室、局））"
    refs = find_units(text)
    assert roles(refs) == (("各市（州）人民政府", "省厅各处（室、局）"), (), False)
    assert refs.span == (0, len(text))


def test_salutation_and_plain_brackets_are_not_clauses():
    assert find_units("各责任单位：现将方案印发给你们。").empty
    assert find_units("政务公开（政府信息公开）主管处室协调推进").empty
    assert find_units("（完成时限：2022年6月底前）").empty


# --- prose ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead", "support"),
    [
        ("由市财政局牵头，市审计局配合", ("市财政局",), ("市审计局",)),
        ("由市财政局牵头，市审计局、市统计局参与", ("市财政局",), ("市审计局", "市统计局")),
        ("市财政局牵头，市审计局配合", ("市财政局",), ("市审计局",)),
        ("市财政局会同市审计局负责", ("市财政局",), ("市审计局",)),
        ("市财政局会同市审计局、市统计局负责", ("市财政局",), ("市审计局", "市统计局")),
        ("由市财政局负责", ("市财政局",), ()),
        ("市财政局负责，市审计局配合落实", ("市财政局",), ("市审计局",)),
        ("建立台账，统一由各县区牵头组织实施。", ("各县区",), ()),
    ],
)
def test_prose_assignment(text, lead, support):
    refs = find_units(text)
    assert (refs.lead, refs.support, refs.span) == (lead, support, None)


def test_prose_open_ended_partner():
    assert roles(find_units("由市财政局会同有关部门负责")) == (("市财政局",), ("有关部门",), True)
    assert roles(find_units("由市财政局牵头，各相关单位配合")) == (("市财政局",), ("各相关单位",), True)


@pytest.mark.parametrize(
    "text",
    [
        "政策制定机关要积极解答企业疑问。",
        "由此可见，公开是常态。",
        "由于市财政局负责此项工作，",
        "政策起草处室负责对收集到的问题建议进行解答和回应。",  # a duty, not an assignment
        "该信息内容的真实性、准确性和合法性应由该民事主体负责",
        "建立健全主要领导亲自主抓、分管领导具体负责的工作机制",
        "市政府办公室要牵头抓好落实",
        "由相关部门负责",
        "一、加强政府信息公开条例的贯彻落实",
    ],
)
def test_ordinary_sentences_yield_no_units(text):
    assert find_units(text) == UnitRefs()


# --- splitting lists --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "lead", "support", "open_ended"),
    [
        ("办公室、法规处及相关处室单位", ("办公室", "法规处", "相关处室单位"), (), True),
        ("办公室，法规处；信息中心", ("办公室", "法规处", "信息中心"), (), False),
        ("办公室 法规处/信息中心", ("办公室", "法规处", "信息中心"), (), False),
        ("市政务服务和大数据管理局", ("市政务服务和大数据管理局",), (), False),
        ("市场监督管理局", ("市场监督管理局",), (), False),
        ("市财政局和市审计局", ("市财政局", "市审计局"), (), False),
        ("市财政局与市审计局及市统计局", ("市财政局", "市审计局", "市统计局"), (), False),
        ("市住房和城乡建设局、省工业和信息化厅", ("市住房和城乡建设局", "省工业和信息化厅"), (), False),
        ("各市（州）人民政府", ("各市（州）人民政府",), (), False),
        ("省厅各处（室、局）、直属机构", ("省厅各处（室、局）", "直属机构"), (), False),
        ("市财政局及各相关单位", ("市财政局", "各相关单位"), (), True),
        # 等 closing the list is dropped; 等 followed by a noun phrase is part of the name.
        ("市财政局、市审计局等相关部门", ("市财政局", "市审计局等相关部门"), (), True),
        ("市财政局、市审计局等", ("市财政局", "市审计局"), (), False),
        ("基层处等按职责分工落实", ("基层处",), (), False),
        ("相关单位", ("相关单位",), (), True),
        ("各县区、各乡镇、各处室", ("各县区", "各乡镇", "各处室"), (), False),
        ("  （办公室）。", ("办公室",), (), False),
        ("办公室、办公室、法规处、办公室", ("办公室", "法规处"), (), False),
        # One class of governments is one name; its levels are not split.
        ("各县、市、区政府", ("各县、市、区政府",), (), False),
        ("各县、区人民政府(管委会)、市直各单位", ("各县、区人民政府(管委会)", "市直各单位"), (), False),
        ("市直有关部门、单位", ("市直有关部门、单位",), (), True),
    ],
)
def test_split_unit_list(cell, lead, support, open_ended):
    assert roles(split_unit_list(cell)) == (lead, support, open_ended)


@pytest.mark.parametrize(
    ("cell", "lead", "support"),
    [
        ("市财政局（牵头）、市审计局", ("市财政局",), ("市审计局",)),
        ("市审计局、市财政局（牵头）", ("市财政局",), ("市审计局",)),
        ("市审计局、市财政局（牵头）、市统计局（配合）", ("市财政局",), ("市审计局", "市统计局")),
        ("市财政局、市审计局牵头，市统计局配合", ("市财政局", "市审计局"), ("市统计局",)),
        ("牵头：市财政局；配合：市审计局、市统计局", ("市财政局",), ("市审计局", "市统计局")),
        ("市财政局牵头，市审计局、市统计局配合", ("市财政局",), ("市审计局", "市统计局")),
        ("市财政局，市审计局配合", ("市财政局",), ("市审计局",)),
        ("牵头：市财政局；配合：市财政局、市审计局", ("市财政局",), ("市审计局",)),
    ],
)
def test_role_marks_inside_a_cell(cell, lead, support):
    refs = split_unit_list(cell)
    assert (refs.lead, refs.support) == (lead, support)


def test_names_are_returned_as_written():
    assert split_unit_list("市发改委、市人社局").lead == ("市发改委", "市人社局")
    assert find_units("(责任处室:标准化管理处)").lead == ("标准化管理处",)


# --- seed 004: the texts of its points, verbatim ---------------------------------------------

SEED_004 = {
    1: (
        "1.保障法定公开内容的日常维护。严格依照《中华人民共和国政府信息公开条例》(以下简称《条例》)的"
        "要求,持续拓展细化主动公开的具体内容。主动公开“十四五”规划纲要。落实专人专责,健全法定主动公开"
        "专栏的日常检查、维护和更新工作机制,杜绝错链、断链和内容混杂,按照《省政府门户网站信息发布管理"
        "办法》(吉政办函〔2020〕21号)和《吉林省市场监督管理厅网站管理办法》关于信息审核的要求,强化信"
        "息发布前的内容审核把关。抓好权责清单、政务服务事项清单、办事指南等权力配置和办事服务信息的调"
        "整更新。因法律法规修订、职能转移调整、流程优化等原因导致内容变化的,要及时公开调整后的准确信"
        "息,明晰权力边界。(责任处室:办公室、综合处、法规处、登记注册处、广告处、标准化处、知产保护处"
        "、知产运用处、信息中心)"
    ),
    2: (
        "2.做好依申请公开的办理工作。准确适用《条例》,从严把握不予公开范围,对法定不予公开条款坚持最小"
        "化适用原则。抓好《吉林省政府信息公开申请办理答复规范》(吉政办函〔2020〕49号)的贯彻落实,严格"
        "落实《吉林省市场监督管理厅政府信息公开暂行办法》,规范提升依申请公开工作质量和效果。对于申请"
        "量集中的政府信息,要认真研判,符合主动公开条件的及时公开。优化和规范内部办理流程,尽可能缩短办"
        "理时限,提高答复效率。加强业务培训和案例指导,提升答复文书规范化水平。严格依照《政府信息公开信"
        "息处理费管理办法》规定的标准、程序、方式计收信息处理费。(责任处室:办公室、科技财务处及相关处"
        "室单位)"
    ),
    6: (
        "6.健全重大行政决策公众参与工作机制。畅通人民群众参与公共政策制定的渠道,规范做好决策预公开、"
        "邀请利益相关方列席决策会议、会议公开等工作。制定涉企政策必须听取相关企业和行业协会意见,意见"
        "听取和采纳情况作为上会讨论的前置条件。扩大重要决策草案意见征集的覆盖面,对于政府规章、规范性"
        "文件等需公开征求意见的决策草案,除在政府网站公示外,还要通过意见建议征集信箱、政务新媒体等群众"
        "广泛适用的平台,收集社会公众对决策草案的意见建议,并向社会公开前其意见的收集、采纳情况以及较为"
        "集中意见不采纳的原因。(责任处室:各相关处室单位)"
    ),
    8: (
        "8.深化市场监管领域信息公开。严格落实市场监管行政执法公示制度,按照“谁执法谁公示”的原则,明确公"
        "示内容的采集、传递、审核、发布职责,规范信息公示内容的标准、格式。及时通过网站、政务新媒体、"
        "办事大厅公示栏、服务窗口等平台,向社会公开行政执法基本信息、结果信息。围绕市场主体信息资源需"
        "求,做好市场监管规则和标准的梳理、汇总和公开,以专题形式向市场主体全面展示有关内容。定期梳理省"
        "厅工作对应执行的法律、法规、规章和国家有关规定,对省厅历史上所有规范性文件梳理公开(包括有效的"
        "和失效的),在省厅负责维护的政府信息公开专栏的外网页面展示,保证厅网站发布的规范性文件信息与省"
        "厅政府信息公开专栏中发布内容保持一致。公开省厅在行使职能时所依据的国家有关法规、规章及规范性"
        "文件和省人大、省政府出台的地方性法规、政府规章、规范性文件情况。加大对联合执法、专项整治等工"
        "作开展情况和消费者维权统计分析数据的公开力度。推进市场监管领域部门联合“双随机、一公开”监管工"
        "作不断深化,并做好相关信息的公开。加强反垄断与反不正当竞争执法信息公开工作,营造诚信守法的市场"
        "环境。(责任处室:办公室、法规处、执法稽查局、登记注册处、信用监管处、反垄断处、价监竞争处、消"
        "费环境处、食品协调处、食品生产处、食品流通处、餐饮服务处、特殊食品处、标准化处、知产保护处、"
        "知产运用处、知产服务处及相关处室单位)"
    ),
    9: (
        "9.深化财政资金、公共资源配置等领域政府信息公开。稳步扩大预决算公开范围,推进部门所属单位预算"
        "、决算及相关报表公开。深化推进政府采购、工程建设项目招标投标信息公开,在政府网站、部门网站、"
        "公共资源交易服务平台三个渠道,做到决策、执行、管理、服务、结果“五公开”。按照国务院办公厅和省"
        "政府办公厅关于公共资源配置领域政府信息公开工作部署要求,遵循“谁批准、谁公开、谁实施、谁公开、"
        "谁制作、谁公开”原则,健全完善机制体制建设,有效提升公开执行情况,以公开为常态、不公开为例外,及"
        "时发布公共资源配置领域各类信息。(责任处室:科技财务处)"
    ),
    10: (
        "10.编制政务公开地方标准。基于政务公开组织、实施、运行、监管的全链条管理工作模式,全面细化工作"
        "程序,配合省政数局编制吉林省政务公开地方标准,固化、完善基层政务公开标准化规范化建设成果,推动"
        "全省政务公开工作做细做深做实。(责任处室:标准化管理处)"
    ),
    14: (
        "14.加强政策咨询窗口等线下公开场所和平台建设。要依托政务服务便民热线、实体服务大厅设立政策咨"
        "询窗口,为企业和群众提供“一号答”、“一站式”的政策咨询服务。同时,还要提供重要政策现场集中解读、"
        "公众参与活动咨询报名、群众办事痛点堵点问题收集等服务。面向特定区域和人群的政府信息,通过公共"
        "服务场所、公告栏、电子信息屏等方式,进行定点、定向公开。定期向档案馆做好政府公开信息备案工作,"
        "使公众可以通过档案馆等政府信息公开查阅点查阅信息,并通过政府信息公开网络平台检索政府信息,提交"
        "信息公开申请。(责任处室:办公室、行政审批办、消审局)"
    ),
    17: (
        "17.持续强化任务落实工作。加强业务指导和监督检查,对工作要点提出的各项任务,梳理形成工作台账,实"
        "施跟进督查,确保落实到位。对上一年度工作要点落实情况开展回头看,重点针对有明确责任主体和时限要"
        "求的工作任务,逐项检查落实情况,未完成的将依法督促整改。请各处室单位于11月30日前报送本要点工作"
        "任务落实情况总结,厅政务公开办将根据报送情况总结经验、建立长效工作机制。(责任处室:办公室)"
    ),
}


@pytest.mark.parametrize(
    ("point", "lead", "support", "open_ended"),
    [
        # A bare 责任处室 list with no 牵头 named: every unit in it leads (the labelling standard).
        (
            1,
            (
                "办公室",
                "综合处",
                "法规处",
                "登记注册处",
                "广告处",
                "标准化处",
                "知产保护处",
                "知产运用处",
                "信息中心",
            ),
            (),
            False,
        ),
        (2, ("办公室", "科技财务处", "相关处室单位"), (), True),
        (6, ("各相关处室单位",), (), True),
        (
            8,
            (
                "办公室",
                "法规处",
                "执法稽查局",
                "登记注册处",
                "信用监管处",
                "反垄断处",
                "价监竞争处",
                "消费环境处",
                "食品协调处",
                "食品生产处",
                "食品流通处",
                "餐饮服务处",
                "特殊食品处",
                "标准化处",
                "知产保护处",
                "知产运用处",
                "知产服务处",
                "相关处室单位",
            ),
            (),
            True,
        ),
        (9, ("科技财务处",), (), False),
        (10, ("标准化管理处",), (), False),  # the body's 配合省政数局 is not the point's unit
        (14, ("办公室", "行政审批办", "消审局"), (), False),
        (17, ("办公室",), (), False),  # the body's 请各处室单位 is the look-back, not the unit
    ],
)
def test_seed_004_points(point, lead, support, open_ended):
    text = SEED_004[point]
    refs = find_units(text)
    assert roles(refs) == (lead, support, open_ended)
    assert refs.span is not None and refs.span[1] == len(text)
    assert text[refs.span[0] :].startswith("(责任处室:")


def test_seed_004_texts_are_verbatim():
    source = Path(__file__).resolve().parents[1] / "plans" / "2021-jilin-amr-gongkai-yaodian.txt"
    if not source.exists():
        pytest.skip("seed document not in plans/")
    lines = source.read_text(encoding="utf-8").splitlines()
    assert all(text in lines for text in SEED_004.values())


# --- properties -------------------------------------------------------------------------------

FRAGMENTS = [
    "（",
    "）",
    "(",
    ")",
    "【",
    "】",
    "责任处室",
    "责任单位",
    "牵头单位",
    "配合单位",
    "牵头",
    "配合",
    "负责",
    "会同",
    "由",
    "：",
    ":",
    "、",
    "，",
    "；",
    ";",
    "/",
    " ",
    "\n",
    "及",
    "和",
    "与",
    "等",
    "相关",
    "各",
    "处室单位",
    "办公室",
    "市财政局",
    "法规处",
    "各县区",
    "完成时限",
    "2022年6月底前",
    "。",
    "局",
    "处",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=60).map("".join),
)


def bare_separators(name: str) -> set[str]:
    """Separators of a name outside matched brackets (inside, as in 省厅各处（室、局）, they belong)."""
    pairs, stack = [], []
    for at, char in enumerate(name):
        if char in "（(【〔［[":
            stack.append(at)
        elif char in "）)】〕］]" and stack:
            pairs.append((stack.pop(), at))
    return {
        char
        for at, char in enumerate(name)
        if char in "、，；" and not any(start < at < end for start, end in pairs)
    }


def check(refs: UnitRefs, text: str) -> None:
    for name in (*refs.lead, *refs.support):
        assert name
        # 、 stays only inside one class of names (各县、市、区政府, 市直有关部门、单位).
        assert not bare_separators(name) - {"、"}
    assert not set(refs.lead) & set(refs.support)
    names = (*refs.lead, *refs.support)
    for start, end in refs.spans:
        assert 0 <= start < end <= len(text)
        clause = text[start:end]
        # A clause has a label or a role word, or is a bracket of the names it gave.
        words = (":", "：", "】", "牵头", "负责", "配合", "会同", "参与", "落实", *names)
        assert any(word in clause for word in words)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_find_units_never_fails_on_arbitrary_text(text):
    check(find_units(text), text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_split_unit_list_never_fails_on_arbitrary_text(text):
    refs = split_unit_list(text)
    assert refs.span is None
    check(refs, text)


def test_labels_in_lenticular_brackets_and_after_a_dash():
    text = "加强融资服务。【责任单位】市金融办、人行某市中心支行【完成时限】持续推进"
    assert roles(find_units(text)) == (("市金融办", "人行某市中心支行"), (), False)
    text = "保障用地需求。——牵头单位：市自然资源局；配合单位：各县（市、区）政府"
    assert roles(find_units(text)) == (("市自然资源局",), ("各县（市、区）政府",), False)


@pytest.mark.parametrize(
    ("text", "lead", "support"),
    [
        ("（市工商质监局牵头负责）", ("市工商质监局",), ()),
        ("(县司法局牵头各行政机关负责)", ("县司法局",), ("各行政机关",)),
        (
            "（区资源生态局牵头，区经发局、区农业农村局，平潭海关等按职责分工负责）",
            ("区资源生态局",),
            ("区经发局", "区农业农村局", "平潭海关"),
        ),
        (
            "（区经发局、区资源生态局，平潭海关等按职责分工负责）",
            ("区经发局", "区资源生态局", "平潭海关"),
            (),
        ),
        (
            "（A局、B局牵头，市级各有关部门及各县、区人民政府按职责分工负责）",
            ("A局", "B局"),
            ("市级各有关部门", "各县、区人民政府"),
        ),
        ("（由市政务服务中心牵头，市直有关部门配合）", ("市政务服务中心",), ("市直有关部门",)),
        ("（宣传处会办公室）", ("宣传处",), ("办公室",)),
        ("（市发改委会同市财政局负责）", ("市发改委",), ("市财政局",)),
        ("（县政府办公室、县司法局按职责分工分别负责）", ("县政府办公室", "县司法局"), ()),
        ("（各县区政府、市直各部门按照职责分工抓好落实）", ("各县区政府", "市直各部门"), ()),
        ("（市发改委牵头负责，市财政局、市审计局按职责分工配合）", ("市发改委",), ("市财政局", "市审计局")),
    ],
)
def test_bracketed_clauses_of_names_and_role_words(text, lead, support):
    refs = find_units(f"推进某项工作。{text}")
    assert (refs.lead, refs.support) == (lead, support)


def test_a_person_is_not_a_unit():
    text = "地区生产总值增长8%以上。\n牵头负责领导：金力。\n牵头责任单位：市发展改革委。\n协同责任单位：市经信局等，各县、市、区政府。"
    assert roles(find_units(text)) == (("市发展改革委",), ("市经信局", "各县、市、区政府"), False)


def test_a_carry_forward_clause_is_carried_with_its_role_and_one_assigning_nothing_is_not():
    refs = find_units("（区资源生态局牵头负责；各片区负责配合落实，以下均需各片区配合落实，不再列出）")
    assert refs.support == ("各片区",) and refs.carry == (("各片区", "support"),)
    refs = find_units(
        "〔责任单位：省发展改革委、商务厅按职责分工负责。具体任务均涉及相关市（州）人民政府，不再做分工，下同。〕"
    )
    assert roles(refs) == (("省发展改革委", "商务厅"), (), False) and refs.carry == ()


def test_brackets_that_are_no_clauses_give_no_units():
    assert find_units("按照《目录》（以下简称《目录》）执行。").empty
    assert find_units("加强政策咨询服务（政策文件和解读资料需添加咨询方式）。").empty
    assert find_units("市政府办公室要牵头抓好落实。").empty


def test_a_bracket_clause_may_name_an_abbreviated_unit_beside_a_recognisable_one():
    refs = find_units("推进。（市税务局、人行某中支牵头）")
    assert refs.lead == ("市税务局", "人行某中支")
    assert find_units("推进。（第二批）").empty and find_units("推进（试点）。").empty


def test_the_unit_registry_helps_recognise_names_that_do_not_look_like_units():
    text = "此项工作由市融媒牵头，市网信配合。"
    assert find_units(text).empty
    refs = find_units(text, known=frozenset({"市融媒", "市网信"}))
    assert (refs.lead, refs.support) == (("市融媒",), ("市网信",))


@pytest.mark.parametrize(
    "name", ["应急管理局", "于都县人民政府", "向阳街道办事处", "市场监管局", "各县、区人民政府(管委会)"]
)
def test_names_that_hold_words_of_sentences_elsewhere_are_units(name):
    from parsing.units import looks_like_unit

    assert looks_like_unit(name)


@pytest.mark.parametrize("name", ["0处", "要求各单位", "按照职责分工", "以下简称市数据局"])
def test_counts_and_sentences_are_not_units(name):
    from parsing.units import looks_like_unit

    assert not looks_like_unit(name)


def test_a_bare_responsibility_clause_is_read_in_its_own_clause():
    text = "推进产业升级（牵头单位：区发改委；责任单位：各街道）、深化国企改革。（责任单位：区国资中心）"
    assert roles(find_units(text)) == (("区发改委", "区国资中心"), ("各街道",), False)


def test_an_alias_note_among_the_names_is_no_unit():
    refs = find_units(
        "（牵头单位：市财政局，责任单位：各县（区）政府、经开区管委会，以下统称各县（区）政府）"
    )
    assert roles(refs) == (("市财政局",), ("各县（区）政府", "经开区管委会"), False)


def test_every_units_line_of_a_point_counts_and_each_may_say_分别():
    text = "围绕政策执行情况宣传解读。\n市发改委牵头落实\n加强金融政策公开。\n市金融办、市财政局分别牵头落实"
    assert roles(find_units(text)) == (("市发改委", "市金融办", "市财政局"), (), False)


@pytest.mark.parametrize(
    "text",
    [
        "（牵 头 单 位 ：区发改委；责 任 单 位：各街道）",
        "(责任时限:2022 年底前,牵 头 单 位 :区发改委,责 任 单 位 :各街道)",
        "牵头单位 ：区发改委\n配合单位: 各街道",
    ],
)
def test_labels_printed_with_spaces_inside_or_before_the_colon(text):
    assert roles(find_units(text)) == (("区发改委",), ("各街道",), False)
