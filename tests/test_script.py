"""Traditional / Simplified: recognising the script of a document and a same-length Simplified shadow."""

from pathlib import Path

import pytest

from parsing import script
from parsing.script import is_traditional, to_simplified

PLANS = Path(__file__).resolve().parent.parent / "plans"
# The seed documents, also kept in plans/ under readable names.
SEED_FILES = {
    "000": ("000_d0c994c4f91f38ae.txt", "2024-jilin-mpa-gongkai-yaodian.txt"),
    "001": ("001_80054f568803ae2d.txt", "2020-mianchi-amr-shishi-fangan.txt"),
    "002": ("002_ac7494275b948024.txt", "2015-panjin-fda-annual-report.txt"),
    "003": ("003_a4f15fc9b9f8b824.txt", "2021-linyi-health-gongkai-fangan.txt"),
    "004": ("004_c0abe37e05595255.txt", "2021-jilin-amr-gongkai-yaodian.txt"),
}


def seed_text(key: str) -> str:
    seed_name, plan_name = SEED_FILES[key]
    del seed_name  # the seed as published; plans/ keeps it byte for byte under a readable name
    return (PLANS / plan_name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("key", "traditional"), [("000", False), ("001", True), ("002", True), ("003", False), ("004", False)]
)
def test_seed_documents_are_told_apart_by_script(key, traditional):
    assert is_traditional(seed_text(key)) is traditional


def test_short_and_empty_texts():
    assert is_traditional("監督管理局關於印發") is True
    assert is_traditional("监督管理局关于印发") is False
    assert is_traditional("") is False
    assert is_traditional("ICP 2020 (Beijing Office)") is False
    # A Simplified document quoting one Traditional name stays Simplified.
    assert (
        is_traditional("根据《盤錦市》文件要求，" + "各单位要认真落实工作任务，确保按时完成。" * 20) is False
    )


def test_to_simplified_converts_characters_and_phrases():
    assert to_simplified("澠池縣市場監督管理局關於印發") == "渑池县市场监督管理局关于印发"
    assert to_simplified("政務公開標準化規範化") == "政务公开标准化规范化"
    assert to_simplified("ASCII only, 2020") == "ASCII only, 2020"
    assert to_simplified("") == ""


@pytest.mark.parametrize("key", sorted(SEED_FILES))
def test_to_simplified_keeps_the_length_of_every_seed_line(key):
    # Callers slice the original text with spans found in the shadow: lengths must match exactly.
    for line in seed_text(key).splitlines():
        assert len(to_simplified(line)) == len(line)
    text = seed_text(key)
    assert len(to_simplified(text)) == len(text)


def test_lone_surrogates_are_kept_not_fatal():
    text = "監督\ud800管理"
    out = to_simplified(text)
    assert out == "监督\ud800管理" and len(out) == len(text)


def test_the_converter_is_loaded_once():
    assert script._converter() is script._converter()
