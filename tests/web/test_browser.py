"""End to end in headless Chromium: what a manager does, through the real pages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from guifan.engine.periods import parse_periods, zone
from guifan.web.measure import services
from guifan.web.measure.models import Result
from guifan.web.standards.models import Standard

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system` (apt-get install chromium fonts-noto-cjk)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def login(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_page(locale="en-GB", viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


@pytest.fixture
def evaluated(catalogue: Path, users: dict[str, Any]) -> None:
    services.start(users["manager"], parse_periods("2026-10", zone("Asia/Shanghai")))


def test_login_and_dashboard_shows_categories(browser: Browser, live_server: Any, evaluated: None) -> None:
    page = login(browser, live_server.url, "manager")
    table = page.locator("section", has_text="Compliance by category")
    for name in ("Customer service", "Data management", "Training"):
        assert table.get_by_role("link", name=name).is_visible()
    assert page.locator(".stat.rate b").inner_text().endswith("%")


def test_failing_requirement_shows_its_violating_records(browser: Browser, live_server: Any, evaluated: None) -> None:
    failing = Result.objects.filter(status="fail", violations__gt=0).order_by("requirement_code").first()
    assert failing is not None
    page = login(browser, live_server.url, "manager")
    page.locator("section", has_text="Worst requirements").get_by_role("link", name=failing.requirement_code).click()
    page.wait_for_selector("text=Violating records")
    rows = page.locator("section", has_text="Violating records").locator("table.data tr")
    assert rows.count() == min(failing.violations, 50) + 1
    assert failing.violating_keys[0] in page.content()


def test_draft_by_one_user_approved_by_another(browser: Browser, live_server: Any, catalogue: Path) -> None:
    author = login(browser, live_server.url, "dept")
    author.goto(f"{live_server.url}/standards/CS-001/")
    author.get_by_role("button", name="Start a revision").click()
    author.get_by_role("link", name="Edit draft").click()
    author.fill("#id_title", "客户服务响应标准（2027版）")
    author.get_by_role("button", name="Save").click()
    author.get_by_role("button", name="Submit for review").click()
    assert author.get_by_role("button", name="Approve").count() == 0  # a department manager cannot approve

    approver = login(browser, live_server.url, "manager")
    approver.goto(f"{live_server.url}/standards/CS-001/?v=1.1")
    approver.get_by_role("button", name="Approve").click()
    approver.get_by_role("button", name="Make effective").click()
    approver.wait_for_selector("text=The version is now effective.")
    standard = Standard.objects.get(code="CS-001")
    assert standard.current.number == "1.1"
    assert standard.current.title == "客户服务响应标准（2027版）"
    assert standard.current.author.username == "dept" and standard.current.approver.username == "manager"


def login_at(browser: Browser, base: str, username: str, width: int) -> Page:
    page = browser.new_page(locale="en-GB", viewport={"width": width, "height": 800})
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_top_bar_menus_open_from_the_keyboard(browser: Browser, live_server: Any, users: dict[str, Any]) -> None:
    page = login_at(browser, live_server.url, "admin", 1280)
    more = page.locator("header.top nav details.menu")
    more.locator("summary").focus()
    page.keyboard.press("Enter")
    assert more.get_by_role("link", name="Audit log").is_visible()
    page.keyboard.press("Escape")  # closes the menu and gives the focus back to its button
    assert not more.get_by_role("link", name="Audit log").is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "More"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/audit/")
    assert page.get_by_role("heading", name="Audit log").is_visible()

    account = page.locator("header.top .me details.menu")
    account.locator("summary").focus()
    page.keyboard.press("Space")
    assert account.get_by_role("button", name="Log out").is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/password/")


def test_top_bar_menus_open_by_click(browser: Browser, live_server: Any, users: dict[str, Any]) -> None:
    page = login_at(browser, live_server.url, "admin", 1280)
    more = page.locator("header.top nav details.menu")
    more.locator("summary").click()
    account = page.locator("header.top .me details.menu")
    account.locator("summary").click()  # opening one menu closes the other
    assert not more.get_by_role("link", name="Datasets").is_visible()
    page.locator("main").click()  # so does a click elsewhere
    assert not account.get_by_role("link", name="Password").is_visible()
    more.locator("summary").click()
    more.get_by_role("link", name="Datasets").click()
    page.wait_for_url(f"{live_server.url}/datasets/")
    assert "on" in (more.locator("summary").get_attribute("class") or "")  # the menu shows where you are
    account.locator("summary").click()
    account.get_by_role("link", name="Password").click()
    page.wait_for_url(f"{live_server.url}/password/")


def test_top_bar_stays_on_one_line_at_1280(browser: Browser, live_server: Any, users: dict[str, Any]) -> None:
    page = login_at(browser, live_server.url, "admin", 1280)
    items = page.locator("header.top .brand, header.top nav > a, header.top nav summary, header.top .me select, "
                         "header.top .me summary")  # fmt: skip
    assert items.count() == 12
    middles = [box["y"] + box["height"] / 2 for box in (items.nth(i).bounding_box() or {} for i in range(12))]
    assert max(middles) - min(middles) < 4, middles
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_top_bar_folds_into_a_menu_button_on_a_phone(browser: Browser, live_server: Any, users: dict[str, Any]) -> None:
    page = login_at(browser, live_server.url, "admin", 390)
    toggle = page.get_by_role("button", name="Menu")
    standards = page.locator("header.top nav").get_by_role("link", name="Standards")
    assert not standards.is_visible()
    assert (page.locator("header.top").bounding_box() or {})["height"] < 60
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    standards.click()
    page.wait_for_url(f"{live_server.url}/standards/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # wide tables scroll inside the page
