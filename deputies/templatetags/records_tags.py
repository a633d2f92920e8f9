"""Template filters of the 履职档案 (used by the PDF, where official style wants 第十九届, 一、二、)."""

from django import template

register = template.Library()

DIGITS = "零一二三四五六七八九"


@register.filter
def cn_number(value):
    """1 → 一, 10 → 十, 19 → 十九, 25 → 二十五 (0–99; anything else unchanged)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return value
    if not 0 <= n < 100:
        return value
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[ones] if ones else "")
