"""Memento (RFC 7089) on the real data through a live `nhskg serve`: the requests a Memento client sends,
raw (HEAD with Accept-Datetime, no redirect followed) and through the Memento project's own Python client
(memento_client), which finds our TimeGate, follows it and reads the Memento's headers."""

from __future__ import annotations

import datetime as dt
import http.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from memento_client import MementoClient

from service.web.pages.memento import http_date, parse_http_date
from tests.live import LiveServer, real_data_server
from tests.web.pages.link_format import parse, with_rel

pytestmark = pytest.mark.e2e
THING = "pct/5NT"  # Manchester PCT, 2006-2013


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real data (its build cache shared through NHSKG_CACHE_DIR when set)."""
    with real_data_server(tmp_path_factory.mktemp("memento") / "server.log") as running:
        yield running


def request(server: LiveServer, method: str, url: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    """One request on the wire, redirects not followed; its body read into `response.text`."""
    parts = urlsplit(url if "://" in url else server.url + url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=60)
    connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    response = connection.getresponse()
    response.text = response.read().decode("utf-8")  # type: ignore[attr-defined]
    connection.close()
    return response


def test_a_memento_client_gets_the_memento_in_force(server: LiveServer) -> None:
    # Pattern 1.1: the original is its own TimeGate, which the client is told by a TimeGate base of "".
    client = MementoClient(timegate_uri="", check_native_timegate=False)
    original = f"{server.url}/id/{THING}"
    info = client.get_memento_info(original, dt.datetime(2010, 6, 15, 12, 0, 0))
    closest = info["mementos"]["closest"]
    assert info["original_uri"] == original and info["timegate_uri"] == original
    assert closest["http_status_code"] == 200
    assert closest["datetime"] <= dt.datetime(2010, 6, 15, 12, 0, 0)
    assert (
        info["mementos"]["first"]["datetime"] <= closest["datetime"] <= info["mementos"]["last"]["datetime"]
    )
    if "next" in info["mementos"]:
        assert info["mementos"]["next"]["datetime"] > dt.datetime(2010, 6, 15, 12, 0, 0)
    client.session.close()


def test_every_memento_in_the_timemap_is_what_the_timegate_gives_for_its_datetime(server: LiveServer) -> None:
    timemap = request(server, "GET", f"/timemap/link/{THING}", {})
    assert timemap.status == 200 and timemap.headers["Content-Type"] == "application/link-format"
    mementos = with_rel(parse(timemap.text), "memento")  # type: ignore[attr-defined]
    assert mementos
    for target, params in mementos:
        gate = request(server, "HEAD", f"/id/{THING}", {"Accept-Datetime": params["datetime"]})
        assert gate.status == 302 and gate.headers["Location"] == target
        answer = request(server, "HEAD", target, {"Accept": "text/turtle"})
        assert answer.status == 200, target
        assert answer.headers["Memento-Datetime"] == params["datetime"]
        day = parse_http_date(params["datetime"])
        assert day is not None and http_date(day.date()) == params["datetime"]  # 00:00:00 GMT of a day


def test_a_bad_accept_datetime_is_refused_on_the_wire(server: LiveServer) -> None:
    response = request(server, "HEAD", f"/id/{THING}", {"Accept-Datetime": "2010-06-15"})
    assert response.status == 400
