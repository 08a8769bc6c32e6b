"""Result messages in Chinese: each shape the runner writes, and anything else left as it is."""

from __future__ import annotations

import pytest

from guifan.engine.checks.base import Outcome
from guifan.engine.messages import localise
from guifan.engine.status import message_of
from guifan.engine.values import Target


def written(describe: str, value: float | None, population: int, violations: int, target: str | None,
            unit: str = "share") -> str:  # fmt: skip
    outcome = Outcome(value, population, violations, describe=describe, unit=unit)
    return message_of(outcome, Target.parse(target) if target else None)


@pytest.mark.parametrize(
    ("describe", "value", "population", "violations", "target", "zh"),
    [
        ("of records comply", 0.988, 2818, 33, ">= 95%", "98.8% 的记录符合要求（2,818 个中 33 个不达标），目标 >= 95%"),
        ("of the population covered", 1.0, 40, 0, "= 100%", "100.0% 的对象已覆盖，目标 = 100%"),
        ("of records pass every rule", 0.5, 4, 2, None, "50.0% 的记录通过全部规则（4 个中 2 个不达标）"),
        ("of cases conform to every constraint", 0.4, 5, 3, "= 100%",
         "40.0% 的案例符合全部约束（5 个中 3 个不达标），目标 = 100%"),
        ("within 24h of business time", 0.9, 10, 1, ">= 90%",
         "90.0% 在 24h 工作时长内完成（10 个中 1 个不达标），目标 >= 90%"),
        ("within the business-time limit for their priority", 0.788, 4664, 991, ">= 95%",
         "78.8% 在其 priority 对应的工作时长限值内完成（4,664 个中 991 个不达标），目标 >= 95%"),
        ("of 12 characteristics in control and cpk >= 1.33", 0.75, 12, 3, "= 100%",
         "75.0% 的特性（共 12 个）受控且满足 cpk >= 1.33（12 个中 3 个不达标），目标 = 100%"),
    ],
)  # fmt: skip
def test_shares(describe: str, value: float, population: int, violations: int, target: str | None, zh: str) -> None:
    assert localise(written(describe, value, population, violations, target), "zh") == zh


def test_amounts_and_the_empty_cases() -> None:
    sigma = written("sigma level", 4.5, 1200, 0, ">= 4", unit="sigma")
    assert localise(sigma, "zh") == "西格玛水平 = 4.5，共 1,200 条记录，目标 >= 4"
    assert (
        localise(written("avg(score)", 87.25, 30, 0, None, unit="number"), "zh") == "avg(score) = 87.25，共 30 条记录"
    )
    assert localise(written("of records comply", None, 0, 0, ">= 95%"), "zh") == "本期间没有记录"
    assert localise(written("of records comply", None, 5, 0, ">= 95%"), "zh") == "无法计算出数值"


def test_english_and_unknown_messages_are_left_alone() -> None:
    message = written("of records comply", 0.988, 2818, 33, ">= 95%")
    assert localise(message, "en") == message
    error = "column 'x' not found in tickets (did you mean 'y'?)"
    assert localise(error, "zh") == error
    assert localise("97.0% of widgets sparkle, target >= 90%", "zh") == "97.0% of widgets sparkle, target >= 90%"
