"""The pages' query-string arguments (service/web/pages/args.py): dates and page numbers, or 400."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import BadRequest

from service.web.pages.args import MAX_PAGE, day_arg, page_arg, whole_number


@pytest.fixture
def bare() -> Flask:
    return Flask(__name__)


@given(st.integers(min_value=1, max_value=MAX_PAGE))
def test_every_page_number_in_range_reads_back(n: int) -> None:
    assert whole_number(str(n), MAX_PAGE) == n


@pytest.mark.parametrize("text", ["0", "-1", "", "1.5", "x", "¹", "٣", str(MAX_PAGE + 1), "9" * 400])
def test_anything_else_is_no_page_number(text: str) -> None:
    assert whole_number(text, MAX_PAGE) is None


def test_a_date_reads_as_a_date_and_no_date_as_none(bare: Flask) -> None:
    with bare.test_request_context("/?at=2013-04-01&empty="):
        assert day_arg() == dt.date(2013, 4, 1)
        assert day_arg("empty") is None
        assert day_arg("absent") is None


@pytest.mark.parametrize("text", ["2013-4-1", "2013-02-30", "yesterday", "2013-04-01T00:00"])
def test_a_malformed_date_is_a_400_naming_the_argument(bare: Flask, text: str) -> None:
    with bare.test_request_context("/", query_string={"at": text}):
        with pytest.raises(BadRequest) as caught:
            day_arg()
        assert "at must be a date" in str(caught.value.description)


def test_the_page_argument_defaults_to_1_and_refuses_0(bare: Flask) -> None:
    with bare.test_request_context("/?page=3"):
        assert page_arg() == 3
    with bare.test_request_context("/"):
        assert page_arg() == 1
    with bare.test_request_context("/?page=0"), pytest.raises(BadRequest):
        page_arg()
