"""2 MB memory pages for the commands that build a store in memory (`build`, `validate`, `ingest`).

pyoxigraph's in-memory store is a large web of pointers. With the usual 4 KB pages, the further a
store grows past the processor's address cache, the more of its steps miss that cache too, so
building and validating grew faster than the data: `nhskg validate` on the real data and on its 2x and
4x copies took 23.4 / 55.5 / 116 s (growth exponent 1.16), and with 2 MB pages 23.9 / 47.8 / 97.3 s
(1.01). glibc's malloc asks the kernel for transparent huge pages when the tunable
`glibc.malloc.hugetlb=1` is set (glibc 2.35 and later; other C libraries and older glibc ignore it),
and it reads its tunables only when a process starts: so the command runs itself once more with it.

`serve` keeps 4 KB pages: its query processes share the in-memory store copy-on-write, and how huge
pages change what each of them copies has not been measured. Turned off by the setting `huge_pages`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

TUNABLES = "GLIBC_TUNABLES"
HUGE_PAGES = "glibc.malloc.hugetlb=1"
COMMANDS = frozenset({"build", "validate", "ingest"})


def environment(command: str, environ: Mapping[str, str], wanted: bool) -> dict[str, str] | None:
    """The environment to run `command` again in, or None to go on in this process: when the command
    does not build a store, huge pages are not wanted, this is not Linux, or the tunable is already set
    (by us or by the user, whose own glibc.malloc.hugetlb value is kept)."""
    if command not in COMMANDS or not wanted or not sys.platform.startswith("linux"):
        return None
    tunables = environ.get(TUNABLES, "")
    if "glibc.malloc.hugetlb" in tunables:
        return None
    return {**environ, TUNABLES: f"{tunables}:{HUGE_PAGES}" if tunables else HUGE_PAGES}


def run_again(arguments: Sequence[str], environ: dict[str, str]) -> None:
    """Replace this process by `python -m service.cli ARGUMENTS` in `environ` (never returns)."""
    os.execve(sys.executable, [sys.executable, "-m", "service.cli", *arguments], environ)  # noqa: S606
