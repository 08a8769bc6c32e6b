"""Process discovery in the web app: who may see it, that its numbers are the engine's brute-force numbers, and
that a case's page marks the event where a planted violation happened."""

from __future__ import annotations

import itertools
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from guifan.engine import load_pack
from guifan.engine.periods import parse_periods, zone
from guifan.web.measure import services
from guifan.web.measure.models import Result
from guifan.web.standards.packs import import_pack

from .conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("admin", "manager", "dept", "auditor", "staff", "readonly")

PACK = """
guifan: 1
id: p2p
title: {zh: 采购, en: Purchasing}
timezone: Asia/Shanghai
datasets:
  events:
    source: data/events.csv
    key: event_id
    time: at
    columns: {event_id: string, case_id: string, activity: string, at: timestamp, who: string, role: string}
standards:
  - id: SV-001
    title: {zh: 客服采购, en: Service purchasing}
    category: process
    owner: 客服部
    version: "1.0"
    effective: 2026-01-01
    requirements:
      - id: SV-001.1
        text: {zh: 审批后下单，且审批人不是申请人, en: "Order after approval, approved by someone else"}
        check: {kind: sequence, dataset: events, case: case_id, activity: activity, resource: who, role: role,
                constraints: [{precedence: [approve, order]}, {different_resource: [request, approve]}]}
  - id: IT-001
    title: {zh: 信息部采购, en: IT purchasing}
    category: process
    owner: 信息技术部
    version: "1.0"
    effective: 2026-01-01
    requirements:
      - id: IT-001.1
        text: {zh: 先申请, en: Requests come first}
        check: {kind: sequence, dataset: events, case: case_id, activity: activity,
                constraints: [{init: request}]}
"""

# Cases of October 2026: P1..P6 follow request → approve → order; P7 orders without approval (broken at its
# 2nd event); P8 is approved by its requester (broken at its 2nd event); P9 has a rework loop.
TRACES = {
    **{f"P{i}": ["request", "approve", "order"] for i in range(1, 7)},
    "P7": ["request", "order"],
    "P8": ["request", "approve", "order"],
    "P9": ["request", "approve", "request", "approve", "order"],
}


def _events() -> str:
    lines = ["event_id,case_id,activity,at,who,role"]
    ids = itertools.count(1)
    for day, (case, trace) in enumerate(TRACES.items(), start=1):
        for hour, activity in enumerate(trace):
            who = "wang" if case == "P8" or activity == "request" else "zhao"
            lines.append(f"{next(ids)},{case},{activity},2026-10-{day:02d} {9 + 2 * hour:02d}:00:00,{who},clerk")
    return "\n".join(lines) + "\n"


@pytest.fixture
def evaluated(users: dict[str, Any], tmp_path: Path) -> dict[str, Result]:
    folder = tmp_path / "pack"
    (folder / "data").mkdir(parents=True)
    (folder / "pack.yaml").write_text(textwrap.dedent(PACK).lstrip(), encoding="utf-8")
    (folder / "data" / "events.csv").write_text(_events(), encoding="utf-8")
    import_pack(users["admin"], load_pack(folder))
    (evaluation,) = services.start(users["manager"], parse_periods("2026-10", zone("Asia/Shanghai")))
    evaluation.refresh_from_db()
    assert evaluation.state == "done", evaluation.error
    return {r.requirement_code: r for r in evaluation.results.all()}


def test_the_stored_result_is_what_discovery_judges(evaluated: dict[str, Result]) -> None:
    result = evaluated["SV-001.1"]
    assert (result.population, result.violations, result.violating_keys) == (9, 2, ["P7", "P8"])


def _pages(results: dict[str, Result]) -> dict[str, tuple[int, ...]]:
    inside, outside = results["SV-001.1"], results["IT-001.1"]
    everyone, in_scope_only = (200,) * 6, (200, 200, 404, 200, 404, 200)
    return {
        reverse("process-index"): everyone,
        reverse("process-discovery", args=["SV-001.1"]): everyone,
        reverse("process-discovery", args=["IT-001.1"]): in_scope_only,
        reverse("process-case", args=["SV-001.1"]) + "?case=P7": everyone,
        reverse("process-case", args=["IT-001.1"]) + "?case=P7": in_scope_only,
        f"/api/process-discovery/{inside.pk}/": everyone,
        f"/api/process-discovery/{inside.pk}/graph/": everyone,
        f"/api/process-discovery/{inside.pk}/case/?case=P8": everyone,
        f"/api/process-discovery/{outside.pk}/": in_scope_only,
        f"/api/process-discovery/{outside.pk}/graph/": in_scope_only,
        f"/api/process-discovery/{outside.pk}/case/?case=P8": in_scope_only,
        f"/api/process-discovery/{outside.pk}/variant-cases/?variant=x": (404,) * 6,
    }


def test_access_matrix(evaluated: dict[str, Result], users: dict[str, Any]) -> None:
    clients = {role: client_for(users[role]) for role in ROLES}
    for path, expected in _pages(evaluated).items():
        got = tuple(clients[role].get(path).status_code for role in ROLES)
        assert got == expected, path


def test_anonymous_is_refused(evaluated: dict[str, Result]) -> None:
    from django.test import Client

    assert Client().get(reverse("process-index")).status_code == 302
    assert Client().get(f"/api/process-discovery/{evaluated['SV-001.1'].pk}/graph/").status_code in (401, 403)


def test_the_index_lists_only_the_sequence_requirements_in_scope(
    evaluated: dict[str, Result], users: dict[str, Any]
) -> None:
    text = client_for(users["dept"]).get(reverse("process-index")).content.decode()
    assert "SV-001.1" in text and "IT-001.1" not in text
    listed = client_for(users["dept"]).get("/api/process-discovery/").json()["results"]
    assert {r["requirement"] for r in listed} == {"SV-001.1"}


def brute_force(
    traces: dict[str, list[str]],
) -> tuple[Counter[tuple[str | None, str | None]], Counter[tuple[str, ...]]]:
    edges: Counter[tuple[str | None, str | None]] = Counter()
    for trace in traces.values():
        edges.update(itertools.pairwise([None, *trace, None]))
    return edges, Counter(tuple(t) for t in traces.values())


@pytest.mark.parametrize(
    ("cases", "chosen"),
    [("all", set(TRACES)), ("deviating", {"P7", "P8"}), ("conforming", set(TRACES) - {"P7", "P8"})],
)
def test_discovery_numbers_equal_the_brute_force(
    evaluated: dict[str, Result], users: dict[str, Any], cases: str, chosen: set[str]
) -> None:
    result = evaluated["SV-001.1"]
    body = client_for(users["auditor"]).get(f"/api/process-discovery/{result.pk}/graph/?cases={cases}").json()
    edges, variants = brute_force({k: v for k, v in TRACES.items() if k in chosen})
    assert {(e["source"], e["target"]): e["count"] for e in body["edges"]} == dict(edges)
    assert {tuple(v["activities"]): v["cases"] for v in body["variants"]} == dict(variants)
    assert body["cases"] == len(chosen) and body["deviating_cases"] == 2
    approve_order = next(e for e in body["edges"] if (e["source"], e["target"]) == ("approve", "order"))
    assert approve_order["median_s"] == 7200  # two hours between the events
    page = client_for(users["auditor"]).get(reverse("process-discovery", args=["SV-001.1"]) + f"?cases={cases}")
    assert page.status_code == 200 and "<svg" in page.content.decode()


def test_a_variant_lists_its_cases_and_whether_they_conform(
    evaluated: dict[str, Result], users: dict[str, Any]
) -> None:
    result = evaluated["SV-001.1"]
    client = client_for(users["admin"])
    top = client.get(f"/api/process-discovery/{result.pk}/graph/").json()["variants"][0]
    assert top["activities"] == ["request", "approve", "order"] and (top["cases"], top["deviating"]) == (7, 1)
    listed = client.get(f"/api/process-discovery/{result.pk}/variant-cases/?variant={top['id']}").json()
    conforms = {c["case"]: c["conforms"] for c in listed["cases"]}
    assert conforms == {**{f"P{i}": True for i in range(1, 7)}, "P8": False}
    page = client.get(reverse("process-discovery", args=["SV-001.1"]) + f"?variant={top['id']}").content.decode()
    assert "?evaluation=" in page and "case=P8" in page


def test_the_case_page_marks_the_planted_violations(evaluated: dict[str, Result], users: dict[str, Any]) -> None:
    result = evaluated["SV-001.1"]
    client = client_for(users["staff"])
    p7 = client.get(f"/api/process-discovery/{result.pk}/case/?case=P7").json()
    assert [e["broken"] for e in p7["events"]] == [[], ["precedence(approve,order)"]]
    p8 = client.get(f"/api/process-discovery/{result.pk}/case/?case=P8").json()
    assert [e["broken"] for e in p8["events"]] == [[], ["different_resource(request,approve)"], []]
    assert [e["resource"] for e in p8["events"]] == ["wang", "wang", "wang"]
    assert p8["events"][1]["since_previous_s"] == 7200 and not p8["conforms"]
    page = client.get(reverse("process-case", args=["SV-001.1"]) + "?case=P8").content.decode()
    marked = page.split('id="event-1"')[1].split("</tr>")[0]
    assert 'class="broke"' in marked and "different_resource(request,approve)" in marked
    assert "different_resource" not in page.split('id="event-2"')[1].split("</tr>")[0]
    assert client.get(reverse("process-case", args=["SV-001.1"]) + "?case=nope").status_code == 404


def test_the_result_page_links_to_discovery_and_cases(evaluated: dict[str, Result], users: dict[str, Any]) -> None:
    result = evaluated["SV-001.1"]
    page = client_for(users["admin"]).get(reverse("result-detail", args=[result.pk])).content.decode()
    assert reverse("process-discovery", args=["SV-001.1"]) in page
    assert reverse("process-case", args=["SV-001.1"]) + f"?evaluation={result.evaluation_id}&amp;case=P7" in page


def _finding_form(page: str, key: str) -> bool:
    return f'name="key" value="{key}"' in page and 'name="source" value="deviation"' in page


def test_a_deviating_case_opens_a_finding_in_one_click(evaluated: dict[str, Result], users: dict[str, Any]) -> None:
    from guifan.web.improvement.models import Finding

    result = evaluated["SV-001.1"]
    path = reverse("process-case", args=["SV-001.1"]) + f"?evaluation={result.evaluation_id}&case=P7"
    admin = client_for(users["admin"])
    page = admin.get(path).content.decode()
    assert _finding_form(page, "P7") and reverse("finding-from-result", args=[result.pk]) in page
    conforming = admin.get(reverse("process-case", args=["SV-001.1"]) + "?case=P1").content.decode()
    assert 'name="source" value="deviation"' not in conforming
    for role in ("staff", "readonly"):  # may see the case, may not open findings
        assert not _finding_form(client_for(users[role]).get(path).content.decode(), "P7"), role
    form = {"key": "P7", "source": "deviation", "next": path}
    response = admin.post(reverse("finding-from-result", args=[result.pk]), form)
    assert response.status_code == 302 and response["Location"] == path
    finding = Finding.objects.get(source="deviation", key="P7")
    assert finding.requirement_code == "SV-001.1" and "P7" in finding.title
    again = admin.get(path).content.decode()  # the button became a link to the open finding
    assert not _finding_form(again, "P7") and reverse("finding-detail", args=[finding.pk]) in again
    admin.post(reverse("finding-from-result", args=[result.pk]), form)
    assert Finding.objects.filter(source="deviation", key="P7").count() == 1


def test_a_non_conforming_variant_row_opens_its_deviating_cases(
    evaluated: dict[str, Result], users: dict[str, Any]
) -> None:
    result = evaluated["SV-001.1"]
    client = client_for(users["auditor"])
    variants = client.get(f"/api/process-discovery/{result.pk}/graph/").json()["variants"]
    ids = {tuple(v["activities"]): v["id"] for v in variants}
    top, p7, p9 = ids[("request", "approve", "order")], ids[("request", "order")], ids[tuple(TRACES["P9"])]
    page = client.get(reverse("process-discovery", args=["SV-001.1"])).content.decode()
    assert f"variant={top}&amp;deviating=1" in page and f"variant={p7}&amp;deviating=1" in page
    assert f"variant={p9}&amp;deviating=1" not in page  # P9 conforms
    chosen = client.get(reverse("process-discovery", args=["SV-001.1"]) + f"?variant={top}&deviating=1")
    text = chosen.content.decode()
    assert "case=P8" in text and "case=P1" not in text and _finding_form(text, "P8")
    every = client.get(reverse("process-discovery", args=["SV-001.1"]) + f"?variant={top}").content.decode()
    assert "case=P1" in every and "case=P8" in every and not _finding_form(every, "P1")


@pytest.fixture(autouse=True)
def judged_logs() -> Any:
    from guifan.web.process.discovery import JUDGED

    JUDGED.clear()
    yield JUDGED
    JUDGED.clear()


def _deviating(client: Any, result: Result) -> tuple[int, int]:
    body = client.get(f"/api/process-discovery/{result.pk}/graph/").json()
    return body["cases"], body["deviating_cases"]


def test_a_judged_log_is_kept_until_its_data_or_check_changes(
    evaluated: dict[str, Result], users: dict[str, Any], judged_logs: Any
) -> None:
    from guifan.web.measure.models import DataSource
    from guifan.web.standards.models import Requirement

    judged = judged_logs
    result = evaluated["SV-001.1"]
    client = client_for(users["admin"])
    assert _deviating(client, result) == (9, 2) and (judged.misses, judged.hits) == (1, 0)
    case = reverse("process-case", args=["SV-001.1"]) + "?case=P8"
    assert client.get(case).status_code == 200 and _deviating(client, result) == (9, 2)
    assert (judged.misses, judged.hits, len(judged)) == (1, 2, 1)  # the case page and the graph again: kept

    # A changed file: P10 orders without approval.
    source = Path(DataSource.objects.get(name="events").path)
    late = "\n".join(f"{90 + i},P10,{a},2026-10-20 1{i}:00:00,li,clerk" for i, a in enumerate(["request", "order"]))
    source.write_text(_events() + late + "\n", encoding="utf-8")
    assert _deviating(client, result) == (10, 3) and judged.misses == 2
    assert "P10" in client.get(reverse("process-case", args=["SV-001.1"]) + "?case=P10").content.decode()

    # A changed check: without the precedence constraint only P8 (approved by its requester) deviates.
    requirement = Requirement.objects.get(code="SV-001.1")
    spec = dict(requirement.check_spec)
    spec["constraints"] = [c for c in spec["constraints"] if "precedence" not in c]
    Requirement.objects.filter(pk=requirement.pk).update(check_spec=spec)
    assert _deviating(client, result) == (10, 1) and judged.misses == 3

    # A where on the check: the cases P1..P5 and P10 (before 'P6' as text), of which none deviates any more.
    spec["where"] = "case_id < 'P6'"
    Requirement.objects.filter(pk=requirement.pk).update(check_spec=spec)
    assert _deviating(client, result) == (6, 0) and judged.misses == 4
    assert len(judged) == 4


def test_the_kept_judged_logs_are_bounded_and_shared_between_threads() -> None:
    import threading
    import time
    from contextlib import ExitStack

    from guifan.web.process.judged_cache import JudgedLogs

    opened: list[str] = []
    live: set[str] = set()  # the logs opened and not closed yet

    def opener(name: str) -> Any:
        def open_log(stack: ExitStack) -> Any:
            log = f"{name}{len(opened)}"
            opened.append(log)
            live.add(log)
            stack.callback(live.remove, log)
            return log

        return open_log

    kept = JudgedLogs(size=2)
    for name in ("a", "b", "a", "c"):  # c drops b, the least recently used
        with kept.use(name, opener(name)) as log:
            assert log[0] == name
    assert (opened, live, len(kept)) == (["a0", "b1", "c2"], {"a0", "c2"}, 2)

    inside: list[str] = []
    problems: list[str] = []

    def reader(name: str) -> None:
        with kept.use(name, opener(name)) as log:
            if log in inside or log not in live:
                problems.append(log)  # two requests on one connection, or a closed one in use
            inside.append(log)
            time.sleep(0.05)
            inside.remove(log)

    threads = [threading.Thread(target=reader, args=(n,)) for n in "aacddabc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == [] and len(kept) == 2 and len(live) == 2
    kept.clear()
    assert len(kept) == 0 and not live


def test_the_violating_records_link_their_case(evaluated: dict[str, Result], users: dict[str, Any]) -> None:
    result = evaluated["SV-001.1"]
    page = client_for(users["auditor"]).get(reverse("result-detail", args=[result.pk])).content.decode()
    table = page.split("<th>event_id</th>")[1].split("</table>")[0]
    link = reverse("process-case", args=["SV-001.1"]) + f"?evaluation={result.evaluation_id}&amp;case="
    assert table.count(link + "P7") == 2 and table.count(link + "P8") == 3  # every event of the two cases
    assert table.count("<a ") == 5  # only the case column is linked
