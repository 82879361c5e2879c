"""The batch commands run with 2 MB pages (service/huge_pages.py); serving and the rest do not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service import huge_pages
from tests.live import NHSKG

MINI = Path(__file__).parent / "data" / "mini"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="asked for on Linux only")


@linux_only
@pytest.mark.parametrize("command", sorted(huge_pages.COMMANDS))
def test_store_building_commands_ask_for_huge_pages(command: str) -> None:
    environ = huge_pages.environment(command, {"PATH": "/bin"}, wanted=True)
    assert environ == {"PATH": "/bin", "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}


@pytest.mark.parametrize("command", ["serve", "query", "stats"])
def test_other_commands_keep_their_pages(command: str) -> None:
    assert huge_pages.environment(command, {}, wanted=True) is None


def test_the_setting_turns_it_off() -> None:
    assert huge_pages.environment("build", {}, wanted=False) is None


@linux_only
def test_other_tunables_are_kept_and_a_users_own_choice_wins() -> None:
    other = {"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}
    assert huge_pages.environment("validate", other, wanted=True) == {
        "GLIBC_TUNABLES": "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"
    }
    own = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"}
    assert huge_pages.environment("validate", own, wanted=True) is None


def _tunables_seen(env: dict[str, str], *args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Run `nhskg ARGS`, reading its /proc environment (which an exec replaces) until it exits."""
    seen: set[str] = set()
    with subprocess.Popen(  # noqa: S603 - our own command
        [str(NHSKG), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        environ = Path(f"/proc/{process.pid}/environ")
        while process.poll() is None:
            try:
                variables = environ.read_bytes().split(b"\0")
            except OSError:
                break
            seen |= {v.decode().partition("=")[2] for v in variables if v.startswith(b"GLIBC_TUNABLES=")}
            time.sleep(0.005)
        out, err = process.communicate()
    return seen, subprocess.CompletedProcess(process.args, process.returncode or 0, out, err)


@linux_only
def test_validate_runs_itself_again_with_huge_pages_and_the_same_answer(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    files = [str(p) for p in sorted((root / "data" / "ttl").glob("*.ttl"))]
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"} | {"NHSKG_ROOT": str(root)}
    on, with_huge = _tunables_seen(env, "validate", "--format", "json", *files)
    off, without = _tunables_seen(env | {"NHSKG_HUGE_PAGES": "off"}, "validate", "--format", "json", *files)
    assert on == {"glibc.malloc.hugetlb=1"}
    assert off == set()
    assert with_huge.returncode == without.returncode == 0
    assert _report(with_huge.stdout) == _report(without.stdout)


def _report(text: str) -> object:
    report = json.loads(text)
    report.pop("seconds")
    return report
