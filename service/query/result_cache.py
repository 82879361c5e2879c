"""Answers to SPARQL queries, kept so that a repeated query is not evaluated again.

The store a process serves is read-only, so the answer to a query is a function of the query job alone
(its text, dataset, result format, row cap and base): a kept answer is exactly what a fresh evaluation
would give. The Wikidata Query Service keeps answers the same way; unlike it, ours cannot go stale,
because a new build is served by new processes.

Only whole answers are kept (an answer larger than the cache's `largest` is streamed and forgotten).
A client that wants a fresh evaluation sends `Cache-Control: no-cache` (or `Pragma: no-cache`), and one
that wants nothing kept sends `no-store`. Each answer says what happened in a `Cache-Status` header
(RFC 9211): `nhskg; hit`, `nhskg; fwd=uri-miss` or `nhskg; fwd=request` (the client asked to bypass).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from service.bounded_cache import BoundedCache
from service.query.job import QueryJob
from service.query.runner import Answer

NAME = "nhskg"
HIT = f"{NAME}; hit"
MISS = f"{NAME}; fwd=uri-miss"
BYPASS = f"{NAME}; fwd=request"


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    body: bytes
    format: str
    rows: int
    truncated: bool  # whether the row cap cut it


@dataclass(frozen=True, slots=True)
class Directives:
    """What a request's cache directives allow: answer from the cache, keep the fresh answer."""

    reuse: bool
    store: bool


def directives(cache_control: str | None, pragma: str | None) -> Directives:
    """The request directives that matter here, from `Cache-Control` (and HTTP/1.0's `Pragma`)."""
    given = {d.split("=", 1)[0].strip().lower() for d in (cache_control or "").split(",")}
    no_cache = "no-cache" in given or _max_age(cache_control) == 0
    no_cache = no_cache or (cache_control is None and "no-cache" in (pragma or "").lower())
    no_store = "no-store" in given
    return Directives(reuse=not (no_cache or no_store), store=not no_store)


def _max_age(cache_control: str | None) -> int | None:
    for directive in (cache_control or "").split(","):
        name, _, value = directive.partition("=")
        if name.strip().lower() == "max-age":
            return int(value.strip()) if value.strip().isdigit() else None
    return None


class ResultCache:
    """A process's kept answers, bounded by bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._kept: BoundedCache[KeptAnswer] = BoundedCache(max_bytes, lambda kept: len(kept.body))

    def lookup(self, job: QueryJob) -> KeptAnswer | None:
        return self._kept.get(job)

    def recording(self, job: QueryJob, answer: Answer) -> tuple[Iterator[bytes], Callable[[], None]]:
        """The answer's body, passed through and copied while it fits; and a function to call once the
        body has been sent, which keeps the copy if the answer completed."""
        copied: list[bytes] = []
        room = [self._kept.largest]

        def body() -> Iterator[bytes]:
            for chunk in answer:
                room[0] -= len(chunk)
                if room[0] >= 0:
                    copied.append(chunk)
                yield chunk

        def keep() -> None:
            if answer.done is not None and room[0] >= 0:
                self._kept.put(
                    job,
                    KeptAnswer(b"".join(copied), answer.head.format, answer.done.rows, answer.head.truncated),
                )

        return body(), keep
