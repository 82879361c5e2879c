"""The deployment files in deploy/, checked as far as this machine can: HAProxy parses its config, systemd
verifies the units, the compose file is well-formed and agrees with the config and the image.

HAProxy in front of live nodes is tested for real in tests/e2e/test_replicas.py; systemd and Docker do not
run here, so the units and the compose file are never started (docs/deploy.md says so).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML: a dependency of schemathesis, in the dev extra

from tests.balancer import CONFIG, haproxy_binary

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
INSTALL_PREFIX = "/opt/nhskg"  # where the units expect the checkout and its .venv
NODES_ON_ONE_HOST = {"NHSKG_NODE1": "127.0.0.1:8081", "NHSKG_NODE2": "127.0.0.1:8082"}


def config_variables() -> set[str]:
    """The environment variables deploy/haproxy.cfg reads (each has a default in the file)."""
    return set(re.findall(r"\$\{(NHSKG_\w+)-", CONFIG.read_text(encoding="utf-8")))


def compose() -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return parsed


@pytest.mark.skipif(haproxy_binary() is None, reason="haproxy is not installed: run `make test-deps`")
@pytest.mark.parametrize(
    "env",
    [{}, NODES_ON_ONE_HOST, compose()["services"]["haproxy"]["environment"]],
    ids=["defaults", "systemd", "compose"],
)
def test_haproxy_accepts_the_config(env: dict[str, str], tmp_path: Path) -> None:
    checked = subprocess.run(
        [str(haproxy_binary()), "-c", "-f", str(CONFIG)],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", ["nhskg-build.service", "nhskg@8081.service", "nhskg-haproxy.service"])
def test_systemd_verifies_the_unit(unit: str, tmp_path: Path) -> None:
    """Each unit, with this checkout as the install prefix (so that its commands exist)."""
    for path in UNITS.glob("*.service"):
        text = path.read_text(encoding="utf-8").replace(INSTALL_PREFIX, str(ROOT))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / unit)], capture_output=True, text=True, check=False
    )
    assert (verified.returncode, verified.stdout + verified.stderr) == (0, "")


def test_the_units_serve_this_checkout_and_this_config() -> None:
    node = (UNITS / "nhskg@.service").read_text(encoding="utf-8")
    assert f"ExecStart={INSTALL_PREFIX}/.venv/bin/nhskg serve --host 127.0.0.1 --port %i" in node
    balancer = (UNITS / "nhskg-haproxy.service").read_text(encoding="utf-8")
    assert f"CONFIG={INSTALL_PREFIX}/{CONFIG.relative_to(ROOT)}" in balancer


def test_compose_runs_two_nodes_of_one_image_behind_this_config() -> None:
    services = compose()["services"]
    nodes = {name: s for name, s in services.items() if name.startswith("node")}
    assert sorted(nodes) == ["node1", "node2"]
    assert len({repr(s) for s in nodes.values()}) == 1  # one definition: one image, one build
    assert (DEPLOY / nodes["node1"]["build"]["context"] / nodes["node1"]["build"]["dockerfile"]).is_file()
    haproxy = services["haproxy"]
    assert f"./{CONFIG.name}:/usr/local/etc/haproxy/haproxy.cfg:ro" in haproxy["volumes"]
    env = haproxy["environment"]
    assert set(env) == config_variables()
    served = re.search(r'"--port", "(\d+)"', (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    assert served is not None
    assert {env["NHSKG_NODE1"], env["NHSKG_NODE2"]} == {f"{name}:{served.group(1)}" for name in nodes}
    assert set(haproxy["depends_on"]) == set(nodes)
