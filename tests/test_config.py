"""Settings: environment, flags and validation; and every setting is documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.config import Settings, SettingsError, from_env, parse_graph_option

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_environment_overrides_defaults() -> None:
    s = from_env({"NHSKG_PORT": "9001", "NHSKG_QUERY_TIMEOUT": "2.5", "NHSKG_VALIDATE_ON_BUILD": "false"})
    assert (s.port, s.query_timeout, s.validate_on_build) == (9001, 2.5, False)


def test_a_backend_comes_from_the_environment() -> None:
    s = from_env(
        {
            "NHSKG_BACKEND_URL": "http://127.0.0.1:7878/query",
            "NHSKG_BACKEND_DIALECT": "standard",
            "NHSKG_BACKEND_GRAPHS": "http://example.org/a http://example.org/b",
        }
    ).validated()
    assert (s.backend_url, s.backend_dialect) == ("http://127.0.0.1:7878/query", "standard")
    assert s.backend_graphs == ("http://example.org/a", "http://example.org/b")
    assert from_env({"NHSKG_BACKEND_URL": ""}).backend_url is None


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="NHSKG_PORT"):
        from_env({"NHSKG_PORT": "eighty"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"port": 0}, "port"),
        ({"workers": 0}, "workers"),
        ({"query_timeout": 0}, "query_timeout"),
        ({"query_memory_sides": -1}, "query_memory_sides"),
        ({"canonical_base": "https://example.org"}, "canonical_base"),
        ({"extra_graphs": (("not an iri", Path("x.ttl")),)}, "absolute IRI"),
        ({"backend_url": "localhost:7878/query"}, "backend_url"),
        ({"backend_dialect": "no-such-server"}, "backend_dialect"),
        ({"backend_graphs": ("not an iri",)}, "absolute IRI"),
    ],
)
def test_validation_names_the_setting(change: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings().with_overrides(**change).validated()


def test_unset_flags_do_not_override() -> None:
    assert Settings().with_overrides(port=None, host="0.0.0.0").port == 8080  # noqa: S104


@given(
    st.from_regex(r"https?://[a-z]+\.[a-z]+/[a-z0-9/]*", fullmatch=True),
    st.from_regex(r"[a-z0-9_/]+\.ttl", fullmatch=True),
)
def test_graph_option_round_trips(iri: str, path: str) -> None:
    assert parse_graph_option(f"{iri}={path}") == (iri, Path(path))


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE))
    assert {f.name for f in fields(Settings)} == documented
