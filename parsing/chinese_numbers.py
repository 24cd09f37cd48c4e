"""Chinese numerals as they appear in dates: 十一月, 三十日, 二〇二一年.

Only what dates need: numbers below 100 written with 十 (十, 十二, 三十一), and digit-by-digit
numbers (二〇二一, 一). ASCII digits pass through, so callers can convert a regex group without
first checking which script it was written in.
"""

from __future__ import annotations

# ○ (a white circle) stands in for 〇 in many typed documents: 二○二一年.
DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


def chinese_to_int(numeral: str) -> int | None:
    """'12' / '１２' -> 12, '十二' -> 12, '三十一' -> 31, '二〇二一' -> 2021; None for anything else."""
    if numeral.isdecimal():  # ASCII or full-width digits
        return int(numeral)
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        ten = DIGITS.get(tens) if tens else 1
        one = DIGITS.get(ones) if ones else 0
        if not ten or one is None:  # 零十 is not a number, nor is 十十
            return None
        return ten * 10 + one
    if not numeral or any(char not in DIGITS for char in numeral):
        return None
    return int("".join(str(DIGITS[char]) for char in numeral))
