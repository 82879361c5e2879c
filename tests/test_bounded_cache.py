"""The bounded cache of documents and query answers: by bytes, least recently used out, invisible."""

from __future__ import annotations

from flask.testing import FlaskClient

from service.bounded_cache import document_cache


def test_a_second_get_is_served_from_the_cache() -> None:
    cache = document_cache()
    made: list[str] = []

    def make() -> bytes:
        made.append("x")
        return b"body"

    assert cache.get_or_make("k", make) == cache.get_or_make("k", make) == b"body"
    assert made == ["x"]


def test_the_least_recently_used_go_first_once_full() -> None:
    cache = document_cache(max_bytes=200)  # holds eight 25-byte bodies
    for key in "abcdefghi":
        cache.get_or_make(key, lambda: b"x" * 25)
    assert list(cache.entries) == list("bcdefghi")
    assert cache.held == 200
    cache.get_or_make("b", lambda: b"")  # touching b makes c the oldest
    cache.get_or_make("j", lambda: b"x" * 25)
    assert list(cache.entries) == list("defghibj")


def test_a_body_too_large_to_hold_is_returned_but_not_kept() -> None:
    cache = document_cache(max_bytes=80)
    assert cache.get_or_make("big", lambda: b"x" * 11) == b"x" * 11
    assert "big" not in cache.entries


def test_cached_documents_are_the_same_as_fresh_ones_in_every_format(client: FlaskClient) -> None:
    for path in ("/doc/pct/5NT", "/doc/pct/5NT.ttl", "/doc/pct/5NT?at=2010-01-01", "/doc/pct/5NT.jsonld"):
        first, second = client.get(path), client.get(path)
        assert first.status_code == second.status_code == 200
        assert first.data == second.data
        assert first.headers["Content-Type"] == second.headers["Content-Type"]
    assert client.get("/doc/pct/5NT?at=2010-01-01").data != client.get("/doc/pct/5NT?at=2003-01-01").data
