"""Result messages in the reader's language.

The runner writes each result's message in English (:func:`guifan.engine.status.message_of`): the JSON result and
JUnit reports keep it so, as the contract says. Reports for people (the terminal table, HTML, Markdown, the web
app) show it in the reader's language: :func:`localise` recognises the shapes ``message_of`` writes and the
phrases the check kinds describe their value with, and says the same in Chinese. A message it does not recognise
(an error, say) is returned as written, so nothing is ever lost in translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SHARE = re.compile(
    r"^(?P<value>-?[\d.,]+%) (?P<describe>.+?)(?: \((?P<bad>[\d,]+) of (?P<all>[\d,]+) fail\))?"
    r"(?:, target (?P<target>.+))?$"
)
_AMOUNT = re.compile(r"^(?P<describe>.+) = (?P<value>\S+) over (?P<all>[\d,]+) records(?:, target (?P<target>.+))?$")

_FIXED_ZH = {
    "no records in this period": "本期间没有记录",
    "no value could be computed": "无法计算出数值",
}

# What the check kinds say their share is of (see each kind's ``describe``), with the Chinese that follows the
# percentage. Patterns with groups put the group's text into the Chinese.
_DESCRIBE_ZH: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^of records comply$"), lambda _m: "的记录符合要求"),
    (re.compile(r"^of the population covered$"), lambda _m: "的对象已覆盖"),
    (re.compile(r"^of records pass every rule$"), lambda _m: "的记录通过全部规则"),
    (re.compile(r"^of cases conform to every constraint$"), lambda _m: "的案例符合全部约束"),
    (re.compile(r"^within (?P<limit>\S+) of business time$"), lambda m: f"在 {m['limit']} 工作时长内完成"),
    (
        re.compile(r"^within the business-time limit for their (?P<field>.+)$"),
        lambda m: f"在其 {m['field']} 对应的工作时长限值内完成",
    ),
    (
        re.compile(r"^of (?P<n>[\d,]+) characteristics (?P<goal>.+)$"),
        lambda m: f"的特性（共 {m['n']} 个）{_goal_zh(m['goal'])}",
    ),
)

_AMOUNT_ZH = {"sigma level": "西格玛水平", "DPMO": "DPMO（百万机会缺陷数）"}


def _goal_zh(goal: str) -> str:
    parts = [("受控" if part == "in control" else f"满足 {part}") for part in goal.split(" and ")]
    return "且".join(parts)


def _describe_zh(describe: str) -> str | None:
    for pattern, say in _DESCRIBE_ZH:
        match = pattern.match(describe)
        if match:
            return say(match)
    return None


def localise(message: str, language: str) -> str:
    """``message`` (as the runner writes it) in ``language`` (``"zh"`` or ``"en"``); unknown shapes unchanged."""
    if language != "zh" or not message:
        return message
    if message in _FIXED_ZH:
        return _FIXED_ZH[message]
    share = _SHARE.match(message)
    if share:
        describe = _describe_zh(share["describe"])
        if describe is not None:
            failing = f"（{share['all']} 个中 {share['bad']} 个不达标）" if share["bad"] else ""
            target = f"，目标 {share['target']}" if share["target"] else ""
            return f"{share['value']} {describe}{failing}{target}"
    amount = _AMOUNT.match(message)
    if amount:
        what = _AMOUNT_ZH.get(amount["describe"], amount["describe"])
        target = f"，目标 {amount['target']}" if amount["target"] else ""
        return f"{what} = {amount['value']}，共 {amount['all']} 条记录{target}"
    return message
