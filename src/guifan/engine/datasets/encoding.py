"""CSV encodings: telling UTF-8 from GB18030 (and UTF-16 with a BOM), and transcoding to UTF-8.

UTF-8 (with or without BOM) and GB18030/GBK are told apart by checking whether the first megabyte decodes as
UTF-8 (decoding a whole file in Python would cost seconds per gigabyte); a UTF-8 file is read as it is, and when
DuckDB finds invalid UTF-8 further on, the loader reads it again as GB18030 (see ``sources._NotUtf8``). Other
encodings (and UTF-16 with a BOM, as Excel's "Unicode text" saves) are transcoded to a temporary UTF-8 file that
DuckDB reads.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from guifan.engine.errors import DataError, Location, Problem
from guifan.engine.pack.dataset import DatasetSpec

_CHUNK = 1 << 20  # bytes read at a time when checking or transcoding an encoding
_HEAD = 1 << 20  # bytes whose decoding as UTF-8 decides a CSV's encoding


def _encoding(name: str, spec: DatasetSpec, path: Path) -> str:
    """The codec to read a CSV with: the declared one, else UTF-8 when the first megabyte is UTF-8, else GB18030.

    Only the head is checked: a file that turns out not to be UTF-8 further on is read again as GB18030 when
    DuckDB reports it (``detected`` UTF-8 is a guess; a declared encoding is not)."""
    if spec.encoding:
        try:
            codec = codecs.lookup(spec.encoding).name
        except LookupError:
            raise DataError(
                Problem(
                    f"unknown encoding {spec.encoding!r}",
                    Location(field=f"datasets.{name}.encoding"),
                    hint="leave it out to have UTF-8 and GB18030 detected",
                )
            ) from None
        return "utf-8" if codec in ("utf-8", "utf-8-sig") else codec
    with path.open("rb") as file:
        head = file.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8" if _is_utf8(path, _HEAD) else "gb18030"


def _is_utf8(path: Path, limit: int | None) -> bool:
    """Whether the file (or its first ``limit`` bytes) decodes as UTF-8; stops at the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen = 0
    try:
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
                seen += len(chunk)
                if limit is not None and seen >= limit:
                    return True
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcode(src: Path, dst: Path, encoding: str, limit: int | None, label: str, *, detected: bool) -> None:
    """Copy ``src`` to ``dst`` as UTF-8, in chunks; with ``limit``, only the complete records of its head."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
            if limit is not None:
                text = decoder.decode(fin.read(limit))
                if fin.read(1):
                    text = _complete_records(text)
                else:
                    text += decoder.decode(b"", final=True)
                fout.write(text)
                return
            while chunk := fin.read(_CHUNK):
                fout.write(decoder.decode(chunk))
            fout.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        if detected:
            message = f"cannot read {label}: it is neither UTF-8 nor GB18030; save it as UTF-8"
        else:
            message = f"cannot read {label} as {encoding}: {exc.reason}; save it as UTF-8 or fix encoding:"
        raise DataError(Problem(message)) from None


def _complete_records(text: str) -> str:
    """``text`` up to its last line break that is not inside a quoted value (so no record is cut in two)."""
    end = text.rfind("\n")
    quotes = text.count('"', 0, max(end, 0))
    while end > 0 and quotes % 2:
        previous = text.rfind("\n", 0, end)
        quotes -= text.count('"', max(previous, 0), end)
        end = previous
    return text[: end + 1] if end > 0 else text
