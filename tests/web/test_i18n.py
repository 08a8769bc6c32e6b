"""The Simplified Chinese catalogue is complete, its compiled .mo matches the .po, and pages switch language.

None of this needs GNU gettext: the .po is read by the small parser below and the .mo by the standard library.
Regenerate both with `make messages` (which does need gettext).
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client

import guifan.web

LC_MESSAGES = Path(guifan.web.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for singular entries
    line: int = 0

    @property
    def key(self) -> str:
        """The key GNUTranslations uses for a singular message."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def read_po(path: Path) -> list[Entry]:
    """The active entries of a .po file (obsolete `#~` entries skipped), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation strings append to

    def finish() -> None:
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and target is not None:  # a comment after a message starts the next entry
                finish()
            entry = entry or Entry(line=number)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        entry = entry or Entry(line=number)
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            assert target is not None, f"{path.name}:{number}: string outside a message"
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
            else:
                assert keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}, f"{path.name}:{number}: {keyword}"
                target = (keyword, 0)
            if target[0] == "msgctxt":
                entry.msgctxt = ""
            elif target[0] == "msgstr":
                entry.msgstr.setdefault(target[1], "")
            elif target[0] == "msgid_plural":
                entry.msgid_plural = ""
        name, index = target
        if name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif name == "msgid":
            entry.msgid += value
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            entry.msgstr[index] += value
    finish()
    return entries


def messages() -> list[Entry]:
    return [e for e in read_po(PO) if e.msgid]


def test_catalogue_exists_and_is_not_trivial() -> None:
    assert PO.is_file() and MO.is_file()
    assert len(messages()) > 200


def test_header_is_final_and_utf8() -> None:
    header = next(e for e in read_po(PO) if e.msgid == "")
    assert "fuzzy" not in header.flags
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Language: zh_Hans" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    untranslated = [f"{PO.name}:{e.line} {e.msgid!r}" for e in messages() if not all(e.msgstr.values())]
    fuzzy = [f"{PO.name}:{e.line} {e.msgid!r}" for e in messages() if "fuzzy" in e.flags]
    assert not untranslated, "untranslated: " + "; ".join(untranslated)
    assert not fuzzy, "fuzzy: " + "; ".join(fuzzy)


def test_placeholders_are_kept() -> None:
    pattern = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    changed = [
        e.msgid
        for e in messages()
        for text in e.msgstr.values()
        if sorted(pattern.findall(e.msgid)) != sorted(pattern.findall(text))
    ]
    assert not changed


def test_compiled_catalogue_matches_the_po() -> None:
    """The committed .mo says exactly what the .po says (nobody edited the .po and forgot to compile)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog: dict[object, str] = compiled._catalog  # type: ignore[attr-defined]
    stale = []
    for e in messages():
        if e.msgid_plural is None:
            if catalog.get(e.key) != e.msgstr[0]:
                stale.append(e.msgid)
        else:
            stale += [e.msgid for i, text in e.msgstr.items() if catalog.get((e.key, i)) != text]
    assert not stale, f"recompile with `make messages`; stale in {MO.name}: {stale}"
    expected_keys = sum(len(e.msgstr) for e in messages()) + 1  # + the header
    assert len(catalog) == expected_keys, f"{MO.name} holds messages the .po no longer has: recompile"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("zh-hans", ["登录", "用户名", "密码", 'lang="zh-hans"'], ["Username"]),
        ("en", ["Log in", "Username", "Password", 'lang="en"'], ["用户名"]),
    ],
)
def test_login_page_follows_accept_language(language: str, expected: list[str], absent: list[str]) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page
    for text in absent:
        assert text not in page


def test_review_cycles_read_in_words() -> None:
    from django.utils import translation

    from guifan.web.core.templatetags.guifan import cycle

    assert (cycle("12mo"), cycle("1y"), cycle("2w"), cycle("bogus")) == ("12 months", "1 year", "2 weeks", "bogus")
    with translation.override("zh-hans"):
        assert (cycle("12mo"), cycle("30d")) == ("12 个月", "30 天")


def test_result_messages_follow_the_page_language() -> None:
    from django.utils import translation

    from guifan.web.core.templatetags.guifan import result_message

    message = "98.8% of records comply (2,818 of 2,851 fail), target >= 95%"
    with translation.override("zh-hans"):
        assert result_message(message) == "98.8% 的记录符合要求（2,851 个中 2,818 个不达标），目标 >= 95%"
    with translation.override("en"):
        assert result_message(message) == message
