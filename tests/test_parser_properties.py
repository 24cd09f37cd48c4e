"""Random and hostile text never crashes the parser: it parses, or fails with a clear BadInput."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.errors import BadInput
from models.plan import DeadlineType, ParsedPlan
from parsing.plan import parse_text
from parsing.reading import decode_text

FRAGMENTS = [
    "一、",
    "二、",
    "（一）",
    "(二)",
    ")",
    "（十）",
    "1.",
    "2．",
    "（1）",
    "①",
    "②",
    "?。ǘ?",
    "一是",
    "——",
    "序号 | 工作任务 | 责任单位 | 完成时限",
    " | ",
    "\t",
    "（责任处室：",
    "办公室、",
    "法规处及相关处室单位）",
    "（牵头单位：",
    "；配合单位：",
    "完成时限：",
    "2022年6月底前",
    "11月30日前",
    "第三季度",
    "每季度",
    "持续推进",
    "年内",
    "。",
    "，",
    "\n",
    "《",
    "》",
    "〔2021〕76号",
    "監(jiān)督",
    "&nbsp;",
    "打印",
    "关闭窗口",
    "上一条：",
    "ICP备",
    "某市人民政府",
    "2021年7月2日",
    "工作要点",
    "年度报告",
    "\x00",
    "\ufeff",
]

documents = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=80).map("".join),
)


def check(plan: ParsedPlan) -> None:
    for task in plan.tasks:
        assert task.path and all(task.path)
        assert (task.deadline.date is None) == (
            task.deadline.type not in (DeadlineType.DATE, DeadlineType.PERIOD_END)
        ) or plan.year is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_text_parses_or_fails_clearly(text):
    try:
        plan = parse_text(text, source="hostile.txt")
    except BadInput as error:
        assert error.source == "hostile.txt" and error.problem
        return
    check(plan)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_bytes_decode_or_fail_clearly(data):
    try:
        text = decode_text(data, source="bytes.bin")
    except BadInput as error:
        assert "bytes.bin" in str(error)
        return
    try:
        check(parse_text(text, source="bytes.bin"))
    except BadInput as error:
        assert "bytes.bin" in str(error)
