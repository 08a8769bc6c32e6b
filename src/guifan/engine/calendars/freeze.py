"""Freeze a country's public holidays into a pack's calendar, so results never change when a package does.

The dates come from the ``holidays`` package (python-holidays) once, when a person runs
``guifan calendar freeze``; they are written into ``pack.yaml`` as plain dates, with each holiday's name as a
comment, and the calendar's ``known_years`` grows by the years frozen. The rest of the file is left exactly as it
was: the edit is made in the text, not by dumping the parsed YAML again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from guifan.engine.errors import InputError
from guifan.engine.pack.calendar import expand_dates, expand_years
from guifan.engine.pack.loader import PACK_FILE, load_pack


@dataclass(frozen=True)
class CountryDays:
    """A country's days off and weekend working days for some years, and where they came from."""

    holidays: dict[date, str]
    workdays: dict[date, str]
    source: str


@dataclass(frozen=True)
class Frozen:
    file: Path
    holidays_added: int
    workdays_added: int
    known_years: list[int]


def country_days(country: str, years: Iterable[int], subdiv: str | None = None) -> CountryDays:
    """Public holidays (and weekend days made working days) of ``country`` from the ``holidays`` package."""
    import holidays as package

    wanted = sorted(set(years))
    try:
        found = package.country_holidays(country.upper(), subdiv=subdiv, years=wanted)
    except NotImplementedError as exc:
        hint = "use an ISO 3166 code such as DE, FR, US or JP (and --subdiv for a state: DE --subdiv BY)"
        raise InputError.at(f"the holidays package does not know {country!r}: {exc}", hint=hint) from None
    off = {day: str(name) for day, name in sorted(found.items()) if day.year in wanted}
    moved: set[date] = set(getattr(found, "weekend_workdays", set()))
    working = {day: "working day" for day in sorted(moved) if day.year in wanted}
    where = f"{country.upper()}{'-' + subdiv if subdiv else ''}"
    version = getattr(package, "__version__", "?")
    return CountryDays(off, working, f"holidays {version}: {where} {years_text(wanted)}")


def freeze_into_pack(path: Path, calendar: str, days: CountryDays, years: Iterable[int]) -> Frozen:
    """Add ``days`` to ``calendar`` of the pack at ``path`` (a folder or its pack.yaml) and write it back."""
    file = path / PACK_FILE if path.is_dir() else path
    if file.suffix.lower() == ".zip":
        raise InputError.at(f"{path} is a .zip; unpack it and freeze into its pack.yaml", file=str(path))
    loaded = load_pack(file)
    spec = loaded.pack.calendars.get(calendar)
    if spec is None:
        names = ", ".join(loaded.pack.calendars) or "none"
        raise InputError.at(f"no calendar {calendar!r} in {file.name} (calendars: {names})", file=str(file))
    text = file.read_text(encoding="utf-8-sig")
    new_holidays = {d: n for d, n in days.holidays.items() if d not in set(expand_dates(spec.holidays))}
    new_workdays = {d: n for d, n in days.workdays.items() if d not in set(expand_dates(spec.workdays))}
    known = sorted(set(expand_years(spec.known_years or [])) | set(years))
    text = add_dates(text, calendar, "holidays", new_holidays, days.source)
    text = add_dates(text, calendar, "workdays", new_workdays, days.source)
    text = set_scalar(text, calendar, "known_years", _years_yaml(known))
    _write_checked(file, text)
    return Frozen(file, len(new_holidays), len(new_workdays), known)


# --- editing pack.yaml as text -----------------------------------------------------------------------------


def _calendar_node(text: str, calendar: str) -> yaml.MappingNode:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    node = _child(_child(root, "calendars"), calendar)
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise InputError.at(
            f"calendar {calendar!r} is written as a {{...}} mapping; write it as an indented block to freeze into it"
        )
    return node


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    entry = _entry(node, key)
    return entry[1] if entry else None


def _entry(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def _last_line(node: yaml.Node) -> int:
    """The 0-based line on which a node's own text ends (a block collection: its last item's)."""
    if isinstance(node, yaml.SequenceNode | yaml.MappingNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last)
    mark = node.end_mark
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


def _line_end(text: str, line: int) -> int:
    """The offset just past the newline ending 0-based ``line`` (the end of the text on the last line)."""
    offset = 0
    for _ in range(line + 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def _item_lines(items: Mapping[date, str], indent: int, note: str) -> str:
    pad = " " * indent
    lines = [f"{pad}# frozen from {note}\n"]
    lines += [f"{pad}- {day.isoformat()}  # {name}\n" for day, name in items.items()]
    return "".join(lines)


def add_dates(text: str, calendar: str, key: str, items: Mapping[date, str], note: str) -> str:
    """``text`` with ``items`` appended to the list ``key`` of ``calendar`` (created when absent)."""
    if not items:
        return text
    node = _calendar_node(text, calendar)
    entry = _entry(node, key)
    if entry is None:
        at = _line_end(text, _last_line(node))
        indent = node.start_mark.column
        head = "" if at == 0 or text[at - 1] == "\n" else "\n"
        return f"{text[:at]}{head}{' ' * indent}{key}:\n{_item_lines(items, indent + 2, note)}{text[at:]}"
    key_node, value = entry
    if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
        at = _line_end(text, _last_line(value))
        head = "" if text[at - 1] == "\n" else "\n"
        return f"{text[:at]}{head}{_item_lines(items, value.start_mark.column, note)}{text[at:]}"
    return _as_block(text, key_node, value, items, note)


def _as_block(text: str, key_node: yaml.Node, value: yaml.Node, items: Mapping[date, str], note: str) -> str:
    """Rewrite a flow list (or a single value) as a block list, keeping its items as written."""
    olds = value.value if isinstance(value, yaml.SequenceNode) else [value]
    indent = key_node.start_mark.column + 2
    kept = "".join(f"{' ' * indent}- {text[o.start_mark.index : o.end_mark.index]}\n" for o in olds)
    end = _line_end(text, value.end_mark.line)
    trailing = text[value.end_mark.index : end].strip()
    head = text[: value.start_mark.index].rstrip(" ")
    comment = f" {trailing}" if trailing.startswith("#") else ""
    return f"{head}{comment}\n{kept}{_item_lines(items, indent, note)}{text[end:]}"


def set_scalar(text: str, calendar: str, key: str, value_yaml: str) -> str:
    """``text`` with ``key: value_yaml`` in ``calendar``, replacing the value written there, if any."""
    node = _calendar_node(text, calendar)
    entry = _entry(node, key)
    if entry is None:
        at = _line_end(text, _last_line(node))
        head = "" if at == 0 or text[at - 1] == "\n" else "\n"
        return f"{text[:at]}{head}{' ' * node.start_mark.column}{key}: {value_yaml}\n{text[at:]}"
    key_node, value = entry
    if isinstance(value, yaml.SequenceNode | yaml.MappingNode) and not value.flow_style:
        end = _line_end(text, _last_line(value))
        return f"{text[: key_node.end_mark.index]}: {value_yaml}\n{text[end:]}"
    return f"{text[: value.start_mark.index]}{value_yaml}{text[value.end_mark.index :]}"


def years_text(years: list[int]) -> str:
    """``2026``, ``2025-2027`` or ``2024, 2026``."""
    if len(years) > 1 and years[-1] - years[0] + 1 == len(years):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def _years_yaml(years: list[int]) -> str:
    """``"2025..2027"``, or a list of years and ranges when they have gaps."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [str(r[0]) if len(r) == 1 else f'"{r[0]}..{r[-1]}"' for r in runs]
    return parts[0] if len(parts) == 1 else f"[{', '.join(parts)}]"


def _write_checked(file: Path, text: str) -> None:
    """Write ``text`` over ``file`` only if it still loads as a valid pack."""
    temporary = file.with_name(f".{file.name}.freezing")
    temporary.write_text(text, encoding="utf-8")
    try:
        load_pack(temporary)
    except InputError:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(file)
