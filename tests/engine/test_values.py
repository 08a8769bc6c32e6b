from __future__ import annotations

import pytest

from guifan.engine.status import percent, status_of
from guifan.engine.values import Duration, Target


@pytest.mark.parametrize(
    ("text", "op", "number", "pct"),
    [
        (">= 95%", ">=", 0.95, True),
        ("<= 4.5", "<=", 4.5, False),
        ("= 100%", "=", 1.0, True),
        ("<0", "<", 0, False),
    ],
)
def test_target_parses(text: str, op: str, number: float, pct: bool) -> None:
    target = Target.parse(text)
    assert (target.op, target.number, target.percent) == (op, pytest.approx(number), pct)
    assert str(target) == text.strip()


@pytest.mark.parametrize("text", ["95%", ">= ninety", "=> 5", "", ">= 5 %%"])
def test_target_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="target"):
        Target.parse(text)


def test_target_met_allows_rounding() -> None:
    assert Target.parse("= 100%").met_by(1.0)
    assert Target.parse(">= 95%").met_by(0.1 * 9.5)
    assert not Target.parse(">= 95%").met_by(0.9499)
    assert Target.parse("< 3").met_by(2.9) and not Target.parse("< 3").met_by(3)


def test_duration_units() -> None:
    assert Duration.parse("30m").seconds == 1800
    assert Duration.parse("24h").seconds == 86400
    assert Duration.parse("2d").seconds == 2 * 86400
    assert Duration.parse("12mo").months == 12
    assert Duration.parse("1y").months == 12
    with pytest.raises(ValueError, match="calendar length"):
        _ = Duration.parse("1y").seconds
    with pytest.raises(ValueError, match="not a duration"):
        Duration.parse("3 days")


def test_status_rules() -> None:
    target, warn = Target.parse(">= 95%"), Target.parse(">= 97%")
    assert status_of(None, target, warn) == "no_data"
    assert status_of(0.94, target, warn) == "fail"
    assert status_of(0.96, target, warn) == "warn"
    assert status_of(0.98, target, warn) == "pass"


def test_percent_never_rounds_to_the_target() -> None:
    assert percent(0.931) == "93.1%"
    assert percent(1.0) == "100.0%"
    assert percent(0.99996) == "99.996%"
    assert percent(0.0) == "0.0%"
    assert percent(0.00004) == "0.004%"
