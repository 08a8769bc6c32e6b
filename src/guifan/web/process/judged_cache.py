"""Judged logs kept open between requests, so that a discovery page, its variant's cases and its cases' pages do
not read and judge the same event log again each time.

An entry is found by a fingerprint of everything the judgement depends on (see
:func:`guifan.web.process.discovery.judged`): the pack that judges the requirement (its check, dataset spec and
calendars, as the catalogue has them now), the period, and the size and modification time of the dataset's
file. A changed check, dataset spec, calendar or file gives another fingerprint, so a stale entry is never
used; it is dropped when it is the least recently used of more than ``size`` entries.

Each entry keeps its DuckDB connection open (a case's page reads its people from it), so one request at a time
uses an entry (its lock), and an entry is closed only once no request is using it. The cache is per process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from guifan.engine.process.cases import JudgedLog

Opener = Callable[[ExitStack], JudgedLog]  # opens a judged log; what it opens is closed with the stack


@dataclass
class _Entry:
    log: JudgedLog
    stack: ExitStack
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False

    def close(self) -> None:
        with self.lock:  # waits for the request using it
            if not self.closed:
                self.closed = True
                self.stack.close()


class JudgedLogs:
    """A bounded, thread-safe LRU of open judged logs by fingerprint."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @contextmanager
    def use(self, fingerprint: str, open_log: Opener) -> Iterator[JudgedLog]:
        """The judged log of this fingerprint, opened with ``open_log`` when none is kept; used by one request
        at a time."""
        for _attempt in range(3):
            entry = self._get(fingerprint)
            if entry is None:
                entry = self._put(fingerprint, _open(open_log))
            with entry.lock:
                if entry.closed:  # dropped between finding it and locking it: find or open it again
                    continue
                yield entry.log
                return
        with ExitStack() as stack:  # very unlikely: evicted again and again by other requests
            yield open_log(stack)

    def clear(self) -> None:
        """Close and forget every kept log (and zero the counts)."""
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
            self.hits = self.misses = 0
        for entry in entries:
            entry.close()

    def _get(self, fingerprint: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(fingerprint)
            if entry is not None:
                self._entries.move_to_end(fingerprint)
                self.hits += 1
            else:
                self.misses += 1
            return entry

    def _put(self, fingerprint: str, entry: _Entry) -> _Entry:
        with self._lock:
            kept = self._entries.get(fingerprint)
            if kept is None:  # else another request opened it meanwhile: use that one
                self._entries[fingerprint] = entry
                kept = entry
            self._entries.move_to_end(fingerprint)
            dropped = []
            while len(self._entries) > max(self.size, 1):
                dropped.append(self._entries.popitem(last=False)[1])
        if kept is not entry:
            dropped.append(entry)
        for old in dropped:
            old.close()
        return kept


def _open(open_log: Opener) -> _Entry:
    stack = ExitStack()
    try:
        log = open_log(stack)
    except BaseException:
        stack.close()
        raise
    return _Entry(log, stack)
