"""Load a pack (a folder, a pack.yaml, or a .zip of a folder) into typed models, or say precisely what is wrong.

Everything that can be checked without reading data is checked here: YAML syntax, unknown and missing fields,
types, unknown check kinds, duplicate ids, references to unknown datasets and calendars, and expressions.
Column references are checked once the datasets' headers are known (:func:`validate_columns`).
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from guifan.engine.checks.base import Issue, SchemaView
from guifan.engine.checks.registry import KINDS
from guifan.engine.errors import InputError, Location, PackError, Problem, did_you_mean
from guifan.engine.pack.model import Pack
from guifan.engine.pack.process import process_problems
from guifan.engine.pack.yamlsrc import SourceMap, dotted, load_yaml
from guifan.engine.periods import zone

PACK_FILE = "pack.yaml"
MAX_ZIP_BYTES = 2 * 1024**3


@dataclass
class LoadedPack:
    """A validated pack and where it came from."""

    pack: Pack
    base_dir: Path  # where relative dataset sources are read from
    source: SourceMap
    file: Path
    unpacked: Path | None = field(default=None, repr=False)  # temporary folder of an unzipped pack

    def __post_init__(self) -> None:
        if self.unpacked is not None:
            weakref.finalize(self, shutil.rmtree, self.unpacked, ignore_errors=True)

    def locate(self, path: tuple[str | int, ...]) -> Location:
        return self.source.locate(path)


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every field name (and alias) of a model and the models inside it: the vocabulary for "did you mean"."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for sub in _models_in(info.annotation):
            names |= _field_names(sub, seen)
    return names


def _models_in(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(arg)
    for meta in getattr(annotation, "__metadata__", ()) or ():
        yield from _models_in(meta)
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        yield from _models_in(origin)


def _vocabulary() -> set[str]:
    names = _field_names(Pack)
    for kind in KINDS.values():
        names |= _field_names(kind.spec)
    return names


def _resolve(path: Path) -> tuple[Path, Path, Path | None]:
    """(pack.yaml, base dir, temporary dir holding an unpacked zip)."""
    if not path.exists():
        raise PackError(Problem(f"{path} does not exist", hint="give a pack folder, its pack.yaml, or a .zip"))
    if path.is_dir():
        file = path / PACK_FILE
        if not file.is_file():
            raise PackError(Problem(f"no {PACK_FILE} in {path}", hint="`guifan init DIR` writes a starter pack"))
        return file, path, None
    if path.suffix.lower() == ".zip":
        return _unzip(path)
    return path, path.parent, None


def _unzip(path: Path) -> tuple[Path, Path, Path]:
    root = Path(tempfile.mkdtemp(prefix="guifan-pack-"))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
                raise PackError(Problem(f"{path}: the archive unpacks to more than 2 GiB"))
            for info in infos:
                target = (root / info.filename).resolve()
                if not target.is_relative_to(root.resolve()):
                    raise PackError(Problem(f"{path}: entry {info.filename!r} points outside the archive"))
            archive.extractall(root)
    except zipfile.BadZipFile as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise PackError(Problem(f"{path} is not a readable .zip file: {exc}")) from exc
    except PackError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    candidates = sorted(root.rglob(PACK_FILE), key=lambda p: len(p.parts))
    if not candidates:
        shutil.rmtree(root, ignore_errors=True)
        raise PackError(Problem(f"{path} holds no {PACK_FILE}"))
    return candidates[0], candidates[0].parent, root


def load_pack(path: str | Path) -> LoadedPack:
    """Read and validate a pack; :class:`PackError` lists every problem found, each with its line."""
    file, base_dir, tmp = _resolve(Path(path))
    try:
        return _load(Path(path), file, base_dir, tmp)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def _load(path: Path, file: Path, base_dir: Path, tmp: Path | None) -> LoadedPack:
    shown = file.name if tmp is None else f"{Path(path).name}!{file.relative_to(tmp).as_posix()}"
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PackError(Problem(f"{shown} is not UTF-8 text", Location(file=shown), "save it as UTF-8")) from exc
    data, source = load_yaml(text, shown)
    if not isinstance(data, dict):
        raise PackError(
            Problem(
                "a pack is a mapping with guifan:, id:, title:, datasets: and standards:",
                Location(file=shown, line=1, column=1),
            )
        )
    pack = _validate_model(data, source)
    loaded = LoadedPack(pack, base_dir, source, file, tmp)
    problems = [*_id_problems(loaded), *_check_problems(loaded, _StaticSchema(pack)), *_process_problems(loaded)]
    try:
        zone(pack.timezone)
    except InputError as exc:
        first = exc.problems[0]
        problems.append(Problem(first.message, loaded.locate(("timezone",)), first.hint))
    if problems:
        raise PackError(problems)
    return loaded


def _validate_model(data: dict[str, Any], source: SourceMap) -> Pack:
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        vocabulary = _vocabulary()
        problems = [_problem(err, data, source, vocabulary) for err in exc.errors(include_url=False)]
        raise PackError(_dedupe(problems)) from None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """One problem per place: a value that fits no member of a union gets one message, the first."""
    seen: set[tuple[int | None, int | None, str | None]] = set()
    out = []
    for p in problems:
        place = (p.location.line, p.location.column, p.location.field)
        if place not in seen:
            seen.add(place)
            out.append(p)
    return out


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """Follow pydantic's ``loc`` through the data, skipping the parts that name union members or tags."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            path.append(part)  # a missing field: located at its parent, named in the message
            break
    return tuple(path)


def _is_tag(part: str) -> bool:
    """Parts of a pydantic ``loc`` that name a union member, model or validator rather than a field."""
    return (
        part in KINDS
        or "[" in part
        or part.startswith("function-")
        or part[:1].isupper()  # a model's class name in a union, e.g. ColumnSpec
        or part in ("literal", "str", "int", "float", "bool", "date", "dict", "list", "none")
    )


def _problem(err: Any, data: Any, source: SourceMap, vocabulary: set[str]) -> Problem:
    loc = tuple(err["loc"])
    path = _data_path(loc, data)
    where = source.locate(path)
    kind, ctx = err["type"], err.get("ctx") or {}
    last = str(path[-1]) if path else ""
    if kind == "extra_forbidden":
        return Problem(f"unknown field {last!r}", where, did_you_mean(last, vocabulary))
    if kind == "missing":
        return Problem(f"missing required field {last!r}", where)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _kind_problem(ctx, where)
    if kind == "literal_error":
        return _choice_problem(err, where)
    message = err["msg"].removeprefix("Value error, ")
    return Problem(f"{dotted(path) or 'pack'}: {message}" if not where.field else message, where)


def _kind_problem(ctx: dict[str, Any], where: Location) -> Problem:
    known = sorted(KINDS)
    tag = ctx.get("tag")
    if tag is None:
        return Problem("a check needs a kind", where, f"kinds: {', '.join(known)}")
    hint = did_you_mean(str(tag), known) or f"known kinds: {', '.join(known)}"
    return Problem(f"unknown check kind {tag!r}", where, hint)


def _choice_problem(err: Any, where: Location) -> Problem:
    expected = str((err.get("ctx") or {}).get("expected", ""))
    choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",") if c.strip()]
    hint = did_you_mean(str(err.get("input")), choices) or (f"use one of: {', '.join(choices)}" if choices else None)
    return Problem(f"{err.get('input')!r} is not allowed here", where, hint)


def _id_problems(loaded: LoadedPack) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[str | int, ...]] = {}
    for si, standard in enumerate(loaded.pack.standards):
        items: list[tuple[str, tuple[str | int, ...]]] = [(standard.id, ("standards", si, "id"))]
        items += [(r.id, ("standards", si, "requirements", ri, "id")) for ri, r in enumerate(standard.requirements)]
        for ident, path in items:
            if ident in seen:
                first = loaded.locate(seen[ident])
                hint = f"first used at line {first.line}; ids must be unique in the pack"
                problems.append(Problem(f"duplicate id {ident!r}", loaded.locate(path), hint))
            else:
                seen[ident] = path
    return problems


def _process_problems(loaded: LoadedPack) -> list[Problem]:
    pack = loaded.pack
    found = process_problems(pack.processes, {s.id for s in pack.standards}, set(pack.datasets), set(pack.calendars))
    return [Problem(message, loaded.locate(path), hint) for message, path, hint in found]


def _check_problems(loaded: LoadedPack, schema: SchemaView) -> list[Problem]:
    problems: list[Problem] = []
    for si, _standard, ri, requirement in loaded.pack.requirements():
        if requirement.check is None:
            continue
        base = ("standards", si, "requirements", ri, "check")
        for issue in KINDS[requirement.check.kind].validate(requirement.check, schema):
            problems.append(_issue_problem(loaded, base, issue))
    return problems


def _issue_problem(loaded: LoadedPack, base: tuple[str | int, ...], issue: Issue) -> Problem:
    return Problem(issue.message, loaded.locate((*base, *issue.path)), issue.hint)


def validate_columns(loaded: LoadedPack, schema: SchemaView) -> None:
    """Check column references against the datasets' real headers; raise :class:`PackError` listing all."""
    problems = _check_problems(loaded, schema)
    for name, spec in loaded.pack.datasets.items():
        columns = schema.columns(name)
        if columns is None:
            continue
        for column in [*spec.key_columns, *([spec.time] if spec.time else [])]:
            if column not in columns:
                hint = did_you_mean(column, columns)
                problems.append(
                    Problem(f"dataset {name!r} has no column {column!r}", loaded.locate(("datasets", name)), hint)
                )
    if problems:
        raise PackError(problems)


class _StaticSchema:
    """What is known of the datasets before any file is opened: their names, keys and time columns."""

    def __init__(self, pack: Pack, columns: dict[str, dict[str, str]] | None = None) -> None:
        self.pack = pack
        self._columns = columns or {}

    def has_dataset(self, name: str) -> bool:
        return name in self.pack.datasets

    def dataset_names(self) -> list[str]:
        return list(self.pack.datasets)

    def columns(self, dataset: str) -> dict[str, str] | None:
        return self._columns.get(dataset)

    def key_columns(self, dataset: str) -> list[str]:
        return self.pack.datasets[dataset].key_columns

    def time_column(self, dataset: str) -> str | None:
        return self.pack.datasets[dataset].time

    def has_calendar(self, name: str) -> bool:
        return name in self.pack.calendars

    def calendar_names(self) -> list[str]:
        return list(self.pack.calendars)


def schema_view(pack: Pack, columns: dict[str, dict[str, str]]) -> SchemaView:
    """A schema view that knows the datasets' columns (from :func:`guifan.engine.datasets.probe_schema`)."""
    return _StaticSchema(pack, columns)


def check_problems(
    check: Any,
    datasets: dict[str, Any],
    *,
    calendars: dict[str, Any] | None = None,
    timezone: str = "UTC",
) -> list[str]:
    """Validate one check (a mapping, as written in a pack) against the given datasets and calendars.

    Returns the same messages ``guifan check`` prints, with the place inside the check instead of a line
    number, so a web form can show them at its field. An empty list means the check is valid.
    """
    data = {
        "guifan": 1,
        "id": "form",
        "title": "form",
        "timezone": timezone,
        "calendars": calendars or {},
        "datasets": datasets,
        "standards": [{"id": "S", "title": "S", "category": "process", "requirements": [
            {"id": "R", "text": "R", "check": check}
        ]}],
    }  # fmt: skip
    source = SourceMap("check")
    try:
        pack = _validate_model(data, source)
    except PackError as exc:
        return [_in_check(p) for p in exc.problems]
    loaded = LoadedPack(pack, Path(), source, Path("check"))
    return [_in_check(p) for p in _check_problems(loaded, _StaticSchema(pack, _declared_columns(pack)))]


def calendar_problems(name: str, calendar: Any, *, timezone: str = "UTC") -> list[tuple[str, str]]:
    """Validate one calendar (a mapping, as written under ``calendars:``) as ``guifan check`` would.

    Returns ``(field, message)`` pairs: ``field`` is the place inside the calendar (``week.mon[0]``,
    ``timezone``, or ``""`` for the calendar as a whole), so a web form can show each message at its field.
    An empty list means the calendar is valid.
    """
    data = {"guifan": 1, "id": "form", "title": "form", "timezone": timezone, "calendars": {name: calendar}}
    try:
        _validate_model(data, SourceMap("calendar"))
    except PackError as exc:
        prefix = f"calendars.{name}"
        out = []
        for p in exc.problems:
            where = p.location.field or ""
            field = where.removeprefix(prefix).lstrip(".") if where.startswith(prefix) else where
            message = f"{p.message} ({p.hint})" if p.hint else p.message
            out.append((field, message))
        return out
    return []


def _declared_columns(pack: Pack) -> dict[str, dict[str, str]]:
    """Columns the datasets declare (a form cannot read the files, so only declared columns are known)."""
    out: dict[str, dict[str, str]] = {}
    for name, spec in pack.datasets.items():
        if spec.columns:
            out[name] = {c: (t if isinstance(t, str) else t.type) for c, t in spec.columns.items()}
    return out


def _in_check(problem: Problem) -> str:
    prefix = "standards[0].requirements[0].check"
    field = (problem.location.field or "").removeprefix(prefix).lstrip(".")
    text = f"{field}: {problem.message}" if field else problem.message
    return f"{text} ({problem.hint})" if problem.hint else text
