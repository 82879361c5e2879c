"""The laws of a true history, asked of a live server on the real data in standard terms only.

A user reads our data with ORG, schema.org, DCTERMS and PROV and no manual, so each law here is a query that
uses nothing else: a missing `schema:endDate` means "still open", succession is `dcterms:replaces`, a body's
life is `schema:foundingDate` to `schema:dissolutionDate`. Each query returns the rows that break its law;
the test shows the first few, so a failure names the nodes to mend. The shapes (shapes/) enforce the same
laws on the build in our own terms; these check that what a user sees agrees. Our own classes appear
only to choose which bodies a law is about.
"""

from __future__ import annotations

import time
import urllib.error
from collections.abc import Iterator

import pytest

from tests.e2e.test_competency import ask_endpoint, server_env
from tests.live import LiveServer, live_server

pytestmark = pytest.mark.e2e

PREFIXES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX nhs: <https://w3id.org/nhs-commissioning/def#>
"""

# The law's name -> a query for the rows that break it.
LAWS: dict[str, str] = {
    "a successor did not begin before its predecessor": """
        SELECT ?successor ?predecessor WHERE {
          ?successor dcterms:replaces ?predecessor .
          ?successor schema:foundingDate ?new . ?predecessor schema:foundingDate ?old .
          FILTER (?new < ?old)
        }""",
    # A body may absorb another long after it began (a PCT that took in a PCG's practices in its second
    # wave), but the body it replaces must have ceased, and before the body that replaced it did.
    "a predecessor has ceased, before its successor": """
        SELECT ?successor ?predecessor WHERE {
          ?successor dcterms:replaces ?predecessor .
          OPTIONAL { ?predecessor schema:dissolutionDate ?gone }
          OPTIONAL { ?successor schema:dissolutionDate ?after }
          FILTER (!BOUND(?gone) || (BOUND(?after) && ?gone >= ?after))
        }""",
    "succession has no cycle": """
        SELECT DISTINCT ?body WHERE { ?body dcterms:replaces+ ?body }""",
    "every dated relation has a start": """
        SELECT ?relation WHERE {
          ?relation a org:Membership .
          FILTER NOT EXISTS { ?relation schema:startDate ?start }
        }""",
    "no relation begins before either party existed": """
        SELECT ?relation ?start ?founded WHERE {
          ?relation a org:Membership ; schema:startDate ?start .
          { ?relation org:member ?party } UNION { ?relation org:organization ?party }
          ?party schema:foundingDate ?founded .
          FILTER (?start < ?founded)
        }""",
    "no relation lasts after either party ceased": """
        SELECT ?relation ?end ?gone WHERE {
          ?relation a org:Membership .
          { ?relation org:member ?party } UNION { ?relation org:organization ?party }
          ?party schema:dissolutionDate ?gone .
          OPTIONAL { ?relation schema:endDate ?end }
          FILTER (!BOUND(?end) || ?end > ?gone)
        }""",
    "a relation ends on or after it begins": """
        SELECT ?relation WHERE {
          ?relation a org:Membership ; schema:startDate ?start ; schema:endDate ?end .
          FILTER (?end < ?start)
        }""",
    "a body ends on or after it begins": """
        SELECT ?body WHERE {
          ?body a org:Organization ; schema:foundingDate ?start ; schema:dissolutionDate ?end .
          FILTER (?end < ?start)
        }""",
    "a post has one holder on any day": """
        SELECT ?post ?a ?b WHERE {
          ?a nhs:post ?post ; schema:startDate ?s1 .
          ?b nhs:post ?post ; schema:startDate ?s2 .
          ?a org:member ?one . ?b org:member ?other .
          FILTER (?one != ?other && STR(?a) < STR(?b))
          OPTIONAL { ?a schema:endDate ?e1 } OPTIONAL { ?b schema:endDate ?e2 }
          FILTER ((!BOUND(?e1) || ?s2 <= ?e1) && (!BOUND(?e2) || ?s1 <= ?e2))
        }""",
    "the kinds abolished by July 2022 have all ended": """
        SELECT ?body WHERE {
          VALUES ?kind { nhs:HealthAuthority nhs:PrimaryCareGroup nhs:PrimaryCareTrust
                         nhs:StrategicHealthAuthority nhs:PCTCluster nhs:SHACluster
                         nhs:GPCommissioningConsortium nhs:ClinicalCommissioningGroup nhs:AreaTeam }
          ?body a ?kind .
          FILTER NOT EXISTS { ?body schema:dissolutionDate ?gone FILTER (?gone <= "2022-06-30"^^xsd:date) }
        }""",
    "a GP practice open today belongs to a commissioner today": """
        SELECT ?practice WHERE {
          ?practice a nhs:GPPractice .
          FILTER NOT EXISTS { ?practice schema:dissolutionDate ?gone }
          MINUS {
            ?membership org:member ?practice ; a org:Membership .
            FILTER NOT EXISTS { ?membership schema:endDate ?end }
          }
        }""",
    "every body has a label in English": """
        SELECT ?body WHERE {
          ?body a org:Organization .
          FILTER NOT EXISTS { ?body rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }
        }""",
    "every body and relation cites a source": """
        SELECT ?node WHERE {
          { ?node a org:Organization } UNION { ?node a org:Membership } UNION { ?node a org:ChangeEvent }
          FILTER NOT EXISTS { ?node prov:wasDerivedFrom ?source }
        }""",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("laws") / "server.log"
    # A law scans every relation: on a busy two-core machine that may take longer than a user's default.
    env = {**server_env(), "NHSKG_QUERY_TIMEOUT": "300"}
    with live_server(env, ["--workers", "2"], timeout=600, log=log) as running:
        yield running


def rows(server: LiveServer, query: str, tries: int = 10) -> list[dict[str, str]]:
    """The rows a law's query returns; a 503 ("try again shortly": the query engine is still loading its
    in-memory side) is asked again, as a client would."""
    for _ in range(tries - 1):
        try:
            result = ask_endpoint(server.sparql, PREFIXES + query)
            break
        except urllib.error.HTTPError as error:
            if error.code != 503:
                raise
            time.sleep(2)
    else:
        result = ask_endpoint(server.sparql, PREFIXES + query)
    return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]


@pytest.mark.parametrize("law", LAWS)
def test_the_history_keeps_its_law(server: LiveServer, law: str) -> None:
    broken = rows(server, LAWS[law])
    assert not broken, f"{law}: {len(broken)} rows break it, e.g. {broken[:5]}"
