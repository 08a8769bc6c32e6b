"""``--format junit``: JUnit XML for CI; a test suite per standard (and period), a test case per requirement.

fail -> ``<failure>``, error -> ``<error>``, no_data -> ``<skipped>``; a warning passes and says why in
``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from guifan.engine.formats.common import (
    StandardBlock,
    by_standard,
    category_name,
    count_text,
    group_line,
    hidden_keys,
    keys_note,
    problem_groups,
    value_text,
    word,
)
from guifan.engine.results import Evaluation, Result

KEYS_SHOWN = 50
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (control characters)."""
    return _NOT_XML.sub("\ufffd", text)


def render_junit(evaluations: Sequence[Evaluation], *, language: str = "zh") -> str:
    """A ``<testsuites>`` document with an XML declaration, indented, ending with a newline."""
    several = len(evaluations) > 1
    root = ET.Element("testsuites", name=clean(f"guifan {evaluations[0].pack}"))
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for evaluation in evaluations:
        for block in by_standard(evaluation.results):
            suite = _suite(block, evaluation, several, language)
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
    for key, total in totals.items():
        root.set(key, str(total))
    root.set("time", _seconds(sum(e.duration_s for e in evaluations)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _suite(block: StandardBlock, evaluation: Evaluation, several: bool, language: str) -> ET.Element:
    name = f"{block.standard} {block.title}".strip()
    if several:
        name = f"{name} [{evaluation.period.label}]"
    results = block.results
    suite = ET.Element(
        "testsuite",
        name=clean(name),
        tests=str(len(results)),
        failures=str(sum(r.status == "fail" for r in results)),
        errors=str(sum(r.status == "error" for r in results)),
        skipped=str(sum(r.status == "no_data" for r in results)),
        time=_seconds(sum(r.duration_ms for r in results) / 1000),
        timestamp=evaluation.started_at.replace(microsecond=0).isoformat(),
    )
    properties = ET.SubElement(suite, "properties")
    for prop, value in (
        ("pack", evaluation.pack),
        ("period", evaluation.period.label),
        ("category", category_name(block.category, language)),
    ):
        ET.SubElement(properties, "property", name=prop, value=clean(value))
    for result in results:
        suite.append(_case(result, language))
    return suite


def _case(result: Result, language: str) -> ET.Element:
    name = f"{result.requirement}: {result.text}" if result.text else result.requirement
    case = ET.Element(
        "testcase",
        classname=clean(result.standard),
        name=clean(name),
        time=_seconds(result.duration_ms / 1000),
    )
    message = clean(result.message)
    if result.status == "fail":
        failure = ET.SubElement(case, "failure", message=message, type="fail")
        failure.text = clean(_details(result, language))
    elif result.status == "error":
        error = ET.SubElement(case, "error", message=message, type="error")
        error.text = clean(_details(result, language))
    elif result.status == "no_data":
        ET.SubElement(case, "skipped", message=message)
    elif result.status == "warn":
        out = ET.SubElement(case, "system-out")
        out.text = clean(_details(result, language))
    return case


def _details(result: Result, language: str) -> str:
    """The failure body: message, value, target, groups below target and violating keys, one per line."""
    lines = [result.message] if result.message else []
    if result.text:
        lines.append(f"{word('requirement', language)}: {result.text}")
    if result.status == "error":
        return "\n".join(lines)
    lines.append(f"{word('value', language)}: {value_text(result.value, result.unit)}")
    lines.append(f"{word('target', language)}: {result.target or '-'}")
    if result.warn:
        lines.append(f"{word('warn_at', language)}: {result.warn}")
    lines.append(f"{word('violations', language)}: {count_text(result.violations)} / {count_text(result.population)}")
    groups = problem_groups(result)
    if groups:
        lines.append(f"{word('problem_groups', language)}:")
        lines.extend(f"  {group_line(g, result.unit, language)}" for g in groups)
    if result.violating_keys:
        shown = ", ".join(result.violating_keys[:KEYS_SHOWN])
        note = f" {keys_note(result, KEYS_SHOWN, language)}" if hidden_keys(result, KEYS_SHOWN) else ""
        lines.append(f"{word('violating_keys', language)}: {shown}{note}")
    return "\n".join(lines)
