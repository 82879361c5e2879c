# ruff: noqa: E501  (SPARQL updates read best on one line)
"""The shapes on a small conforming graph, and one mutation per rule, each caught with the node named.

Each mutation is a SPARQL update applied to a fresh copy of tests/data/shapes/base.ttl (with the ontology,
materialised); the test asserts that the shape reports exactly the focus node named, and, for the first
eight, that pyshacl reports the same (shape, focus node) pairs. Every shape of shapes/*.ttl must have a
mutation, and a conforming target node in the base graph: adding a shape without both fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from service import iris
from service.build import reasoning
from service.build.validation import check as validation
from service.build.validation.check import ValidationReport, validate
from service.store import OxigraphStore
from service.terms import IRI

ROOT = Path(__file__).resolve().parents[3]
SHAPES = ROOT / "shapes"
BASE = ROOT / "tests" / "data" / "shapes" / "base.ttl"
SHP = "https://w3id.org/nhs-commissioning/shapes#"
ID = iris.ID
PREFIXES = f"BASE <{ID}>\n" + "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in iris.PREFIXES.items()) + "\n"
DATA = iris.graph("base")


def ins(triples: str) -> str:
    """Add triples to the data graph (relative IRIs are under id/)."""
    return f"INSERT DATA {{ GRAPH <%G> {{ {triples} }} }}"


def dele(pattern: str) -> str:
    """Remove whatever matches pattern, in any graph."""
    return f"DELETE WHERE {{ GRAPH ?g {{ {pattern} }} }}"


def replace(subject_predicate: str, old: str, new: str) -> str:
    """Swap one object of subject_predicate for another."""
    return f"DELETE DATA {{ GRAPH <%G> {{ {subject_predicate} {old} }} }} ; INSERT DATA {{ GRAPH <%G> {{ {subject_predicate} {new} }} }}"


# (shape, focus node, the update that breaks its rule)
MUTATIONS: list[tuple[str, str, str]] = [
    (
        "EventDatedShape",
        "event/2013-04-01/ccg-00L-established",
        "DELETE WHERE { GRAPH ?g { id:event\\/2013-04-01\\/ccg-00L-established dcterms:date ?d } }",
    ),
    (
        "EventDatedShape",
        "event/2013-04-01/ccg-00L-established",
        'INSERT DATA { GRAPH <%G> { id:event\\/2013-04-01\\/ccg-00L-established nhs:approximateDate "2013-04"^^xsd:gYearMonth } }',
    ),
    (
        "EventApproximateDateShape",
        "event/2013-04-01/ccg-00L-established",
        'INSERT DATA { GRAPH <%G> { id:event\\/2013-04-01\\/ccg-00L-established nhs:approximateDate "April 2013" } }',
    ),
    (
        "FigureDatedShape",
        "figure/pct-count-2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:figure\\/pct-count-2006-10-01 dcterms:date ?d } }",
    ),
    (
        "NHSEnglandUnitShape",
        "area-team/Q46",
        "INSERT DATA { GRAPH <%G> { id:area-team\\/Q46 a nhs:AreaTeam ; org:unitOf id:ccg\\/00L } }",
    ),
    (
        "PracticeParentShape",
        "practice/P84001/membership/pct/5NT/2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT a nhs:PrimaryCareTrust } }",
    ),
    ("LabelShape", "ccg/00L", "DELETE WHERE { GRAPH ?g { id:ccg\\/00L rdfs:label ?l } }"),
    ("LabelShape", "pct/5NT", 'INSERT DATA { GRAPH <%G> { id:pct\\/5NT rdfs:label "Another"@en } }'),
    (
        "PrimaryCareTrustOdsCodeShape",
        "pct/5NT",
        'DELETE DATA { GRAPH <%G> { id:pct\\/5NT nhs:odsCode "5NT" } } ;'
        ' INSERT DATA { GRAPH <%G> { id:pct\\/5NT nhs:odsCode "5N" } }',
    ),
    (
        "PrescribingCostCentreOdsCodeShape",
        "practice/P84001",
        'INSERT DATA { GRAPH <%G> { id:practice\\/P84001 nhs:odsCode "P8400" } }',
    ),
    (
        "StrategicHealthAuthorityGssCodeShape",
        "sha/Q31",
        'DELETE DATA { GRAPH <%G> { id:sha\\/Q31 nhs:gssCode "E18000007" } } ;'
        ' INSERT DATA { GRAPH <%G> { id:sha\\/Q31 nhs:gssCode "E38000007" } }',
    ),
    (
        "RelationOrderShape",
        "pct/5NT/accountability/sha/Q31/2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01 schema:endDate ?e } } ;"
        " INSERT DATA { GRAPH <%G> { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01"
        ' schema:endDate "2005-01-01"^^xsd:date } }',
    ),
    (
        "SingleParentShape",
        "practice/P84001",
        "DELETE WHERE { GRAPH ?g { id:practice\\/P84001\\/membership\\/pct\\/5NT\\/2006-10-01 schema:endDate ?e } } ;"
        " INSERT DATA { GRAPH <%G> { id:practice\\/P84001\\/membership\\/pct\\/5NT\\/2006-10-01"
        ' schema:endDate "2013-06-30"^^xsd:date } }',
    ),
    (
        "EventDayShape",
        "event/2013-04-01/ccg-00L-established",
        "DELETE WHERE { GRAPH ?g { id:event\\/2013-04-01\\/ccg-00L-established dcterms:date ?d } } ;"
        ' INSERT DATA { GRAPH <%G> { id:event\\/2013-04-01\\/ccg-00L-established dcterms:date "2013-04-02"^^xsd:date } }',
    ),
    ("DerivedFromShape", "ccg/00L", "DELETE WHERE { GRAPH ?g { id:ccg\\/00L prov:wasDerivedFrom ?s } }"),
    (
        "AccountabilityCoverageShape",
        "ccg/00L",
        "DELETE WHERE { GRAPH ?g { id:ccg\\/00L\\/accountability\\/nhs-cb\\/X24\\/2013-04-01 ?p ?o } }",
    ),
    (
        "OdsRecordShape",
        "pct/5NT",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT rdfs:seeAlso ?r } }",
    ),
    (
        "SpatialShape",
        "pct/5NT",
        "INSERT DATA { GRAPH <%G> { id:pct\\/5NT dcterms:spatial <http://example.org/E16000100> } }",
    ),
    (
        "WithinLifetimesShape",
        "pct/5NT/accountability/sha/Q31/2006-10-01",
        # Still current after the PCT and the SHA were dissolved (changing a founding date would also move the
        # founded body's own relations out of its lifetime).
        ins("<pct/5NT/accountability/sha/Q31/2006-10-01> nhs:endStatus nhs:Current"),
    ),
    (
        "IntervalAgreesShape",
        "pct/5NT/accountability/sha/Q31/2006-10-01",
        "DELETE WHERE { GRAPH ?g { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01 schema:startDate ?d } } ;"
        " INSERT DATA { GRAPH <%G> { id:pct\\/5NT\\/accountability\\/sha\\/Q31\\/2006-10-01"
        ' schema:startDate "2006-10-02"^^xsd:date } }',
    ),
    (
        "FoundingDateShape",
        "pct/5NT",
        'INSERT DATA { GRAPH <%G> { id:pct\\/5NT schema:foundingDate "2006-10-01" } }',
    ),
    (
        "OrganisationOpenEndShape",
        "ccg/00L",
        "DELETE WHERE { GRAPH ?g { id:ccg\\/00L nhs:endStatus ?s } }",
    ),
    (
        "PracticeRoleShape",
        "practice/P84001/membership/ccg/00L/2013-04-01",
        "DELETE WHERE { GRAPH ?g { id:practice\\/P84001\\/membership\\/ccg\\/00L\\/2013-04-01 org:role ?r } }",
    ),
    (
        "SingleAccountabilityShape",
        "ccg/00L",
        "INSERT DATA { GRAPH <%G> { id:x a nhs:Accountability ; org:member id:ccg\\/00L ;"
        " org:organization id:nhs-cb\\/X25 . id:nhs-cb\\/X25 a nhs:NHSCommissioningBoard } }",
    ),
    # --- every shape below has one mutation; <x> is relative to the id/ base ------------------------------
    ("TypedShape", "untyped", ins('<untyped> rdfs:label "Untyped"@en')),
    ("ConfidenceShape", "ccg/00L", ins("<ccg/00L> nhs:confidence nhs:Stated")),
    ("EvidenceShape", "ccg/00L", ins("<ccg/00L> nhs:evidence nhs:HighConfidence")),
    ("EditorialNoteShape", "ccg/00L", ins('<ccg/00L> skos:editorialNote "Note de test"@fr')),
    (
        "LegalBasisShape",
        "event/2013-04-01/ccg-00L-established",
        ins("<event/2013-04-01/ccg-00L-established> nhs:legalBasis <http://example.org/act>"),
    ),
    (  # the document, not the identifier
        "LegalBasisShape",
        "event/2013-04-01/ccg-00L-established",
        replace(
            "<event/2013-04-01/ccg-00L-established> nhs:legalBasis",
            "<http://www.legislation.gov.uk/id/ukpga/2012/7>",
            "<https://www.legislation.gov.uk/ukpga/2012/7>",
        ),
    ),
    (
        "LegalBasisRecordShape",
        "http://www.legislation.gov.uk/id/ukpga/2022/31",
        ins(
            "<event/2013-04-01/ccg-00L-established> nhs:legalBasis <http://www.legislation.gov.uk/id/ukpga/2022/31>"
        ),
    ),
    (
        "LegislationIdentifierShape",
        "source/ukpga-2012-7",
        dele("<source/ukpga-2012-7> owl:sameAs ?law"),
    ),
    (  # a section is not the whole Act
        "LegislationIdentifierShape",
        "source/ukpga-2012-7",
        ins("<source/ukpga-2012-7> owl:sameAs <http://www.legislation.gov.uk/id/ukpga/2012/7/section/1>"),
    ),
    (  # the page of another Act
        "LegislationDocumentShape",
        "source/ukpga-2012-7",
        replace(
            "<source/ukpga-2012-7> schema:url",
            "<https://www.legislation.gov.uk/ukpga/2012/7>",
            "<https://www.legislation.gov.uk/ukpga/2012/17>",
        ),
    ),
    ("SourceClassShape", "source/unknown", ins("<ccg/00L> prov:wasDerivedFrom <source/unknown>")),
    ("SourceTitleShape", "source/ods", ins('<source/ods> dcterms:title "Another title"@en')),
    (
        "SourcePublisherShape",
        "source/ods",
        ins("<source/ods> dcterms:publisher <http://example.org/nhs-digital>"),
    ),
    ("SourceDateShape", "source/ods", ins('<source/ods> dcterms:date "30 August 2019"')),
    ("SourceLicenceShape", "source/ods", dele("<source/ods> dcterms:license ?l")),
    ("SourceUrlShape", "source/ods", ins("<source/ods> schema:url <ftp://example.org/file.csv>")),
    ("WebSourceUrlShape", "source/web", ins("<source/web> schema:url <https://example.org/news/2014>")),
    ("DataFileUpstreamShape", "source/ods", dele("<source/ods> dcterms:source ?s")),
    ("DataFileDescriptionShape", "source/ods", dele("<source/ods> dcterms:description ?d")),
    (
        "IntervalBeginningShape",
        "interval/2013-04-01--open",
        ins("<interval/2013-04-01--open> time:hasBeginning <instant/2012-10-01>"),
    ),
    (
        "IntervalEndShape",
        "interval/2006-10-01--2013-03-31",
        ins("<interval/2006-10-01--2013-03-31> time:hasEnd <instant/2006-07-01>"),
    ),
    ("InstantDateShape", "instant/2012-10-01", dele("<instant/2012-10-01> time:inXSDDate ?d")),
    (
        "IntervalOrderShape",
        "interval/2013-03-31--2006-10-01",
        ins(
            '<interval/2013-03-31--2006-10-01> a time:Interval ; rdfs:label "Backwards"@en ; time:hasBeginning <instant/2013-03-31> ; time:hasEnd <instant/2006-10-01>'
        ),
    ),
    (
        "IntervalKeyShape",
        "interval/2006-07-01--2013-03-31",
        dele("<interval/2006-07-01--2013-03-31> time:hasEnd ?e"),
    ),
    (
        "LifetimeOrderShape",
        "sha/Q31",
        replace("<sha/Q31> schema:dissolutionDate", '"2013-03-31"^^xsd:date', '"2006-06-30"^^xsd:date'),
    ),
    ("OrganisationClassShape", "body/untyped", ins("<body/untyped> a org:Organization")),
    ("PrefLabelShape", "ccg/00L", dele("<ccg/00L> skos:prefLabel ?l")),
    ("SchemaNameShape", "ccg/00L", ins('<ccg/00L> schema:name "NHS Example CCG"')),
    (
        "NamesAgreeShape",
        "ccg/00L",
        replace("<ccg/00L> schema:name", '"NHS Example CCG"@en', '"NHS Sample CCG"@en'),
    ),
    ("AltLabelShape", "sha/Q31", ins('<sha/Q31> skos:altLabel "NHS London"')),
    ("OdsCodeShape", "ccg/00L", ins('<ccg/00L> nhs:odsCode "00M"')),
    (
        "GssCodeShape",
        "department/department-of-health",
        ins('<department/department-of-health> nhs:gssCode "E1"'),
    ),
    ("DissolutionDateShape", "sha/Q31", ins('<sha/Q31> schema:dissolutionDate "2013-03-31"')),
    (
        "OrganisationEndStatusShape",
        "ccg/00L",
        replace("<ccg/00L> nhs:endStatus", "nhs:Current", "nhs:Stated"),
    ),
    ("NameStatusShape", "ccg/00L", ins("<ccg/00L> nhs:nameStatus nhs:Current")),
    ("GeographyLinkShape", "pct/5NT", dele("<pct/5NT> dcterms:spatial ?a")),
    ("SeeAlsoShape", "ccg/00L", ins('<ccg/00L> rdfs:seeAlso "https://example.org/00L"')),
    ("SameAsShape", "ccg/00L", ins('<ccg/00L> owl:sameAs "00L"')),
    # nhs:hadName has range nhs:NameUse, so an IRI object is inferred to be one: only a literal breaks it.
    ("HadNameShape", "ccg/00L", ins('<ccg/00L> nhs:hadName "NHS Sample CCG"@en')),
    ("UnitOfShape", "ccg/00L", ins('<ccg/00L> org:unitOf "NHS Commissioning Board"')),
    ("PrimaryCareGroupUnitShape", "pcg/4QP36", replace("<pcg/4QP36> org:unitOf", "<ha/Q01>", "<pct/5NT>")),
    ("SubICBLocationUnitShape", "sub-icb/00M", replace("<sub-icb/00M> org:unitOf", "<icb/QKK>", "<ccg/00L>")),
    ("NameUseShape", "ccg/00L/name/2013-04-01", dele("<ccg/00L/name/2013-04-01> schema:name ?n")),
    (
        "NameUseStartShape",
        "ccg/00L/name/2013-04-01",
        ins('<ccg/00L/name/2013-04-01> schema:startDate "2013-04-01"'),
    ),
    (
        "NameUseEndShape",
        "ccg/00L/name/2013-04-01",
        ins('<ccg/00L/name/2013-04-01> schema:endDate "2014-03-31"'),
    ),
    (
        "NameUseSourceShape",
        "ccg/00L/name/2013-04-01",
        dele("<ccg/00L/name/2013-04-01> prov:wasDerivedFrom ?s"),
    ),
    # A code outside the pattern of its class (but inside the generic one), on the body of that class.
    ("HealthAuthorityOdsCodeShape", "ha/Q01", replace("<ha/Q01> nhs:odsCode", '"Q01"', '"R01"')),
    ("PrimaryCareGroupOdsCodeShape", "pcg/4QP36", replace("<pcg/4QP36> nhs:odsCode", '"4QP36"', '"4QP3X"')),
    ("CareTrustOdsCodeShape", "ct/TAC", replace("<ct/TAC> nhs:odsCode", '"TAC"', '"5AC"')),
    ("StrategicHealthAuthorityOdsCodeShape", "sha/Q31", replace("<sha/Q31> nhs:odsCode", '"Q31"', '"Q41"')),
    (
        "ClinicalCommissioningGroupOdsCodeShape",
        "ccg/00L",
        replace("<ccg/00L> nhs:odsCode", '"00L"', '"00LL"'),
    ),
    ("SubICBLocationOdsCodeShape", "sub-icb/00M", replace("<sub-icb/00M> nhs:odsCode", '"00M"', '"00MM"')),
    ("IntegratedCareBoardOdsCodeShape", "icb/QKK", replace("<icb/QKK> nhs:odsCode", '"QKK"', '"RKK"')),
    (
        "SustainabilityAndTransformationPartnershipOdsCodeShape",
        "stp/QHM",
        replace("<stp/QHM> nhs:odsCode", '"QHM"', '"E54"'),
    ),
    ("IntegratedCareSystemOdsCodeShape", "ics/QHL", replace("<ics/QHL> nhs:odsCode", '"QHL"', '"QHLL"')),
    ("AreaTeamOdsCodeShape", "area-team/Q46", replace("<area-team/Q46> nhs:odsCode", '"Q46"', '"Q43"')),
    (
        "LocalOfficeOdsCodeShape",
        "local-office/Q71",
        replace("<local-office/Q71> nhs:odsCode", '"Q71"', '"Q89"'),
    ),
    ("NHSEnglandRegionOdsCodeShape", "region/Y56", replace("<region/Y56> nhs:odsCode", '"Y56"', '"X56"')),
    (
        "NHSCommissioningBoardOdsCodeShape",
        "nhs-cb/X24",
        replace("<nhs-cb/X24> nhs:odsCode", '"X24"', '"X25"'),
    ),
    ("CommissioningHubOdsCodeShape", "hub/13Q", replace("<hub/13Q> nhs:odsCode", '"13Q"', '"13QA"')),
    (
        "CommissioningSupportUnitOdsCodeShape",
        "csu/0DE",
        replace("<csu/0DE> nhs:odsCode", '"0DE"', '"0DE001"'),
    ),
    ("WelshHealthBodyOdsCodeShape", "welsh/7A3", replace("<welsh/7A3> nhs:odsCode", '"7A3"', '"8A3"')),
    (
        "PrimaryCareTrustGssCodeShape",
        "pct/5NT",
        replace("<pct/5NT> nhs:gssCode", '"E16000100"', '"E18000100"'),
    ),
    ("CareTrustGssCodeShape", "ct/TAC", replace("<ct/TAC> nhs:gssCode", '"E16000200"', '"E18000200"')),
    ("ClinicalCommissioningGroupGssCodeShape", "pct/5NT", ins("<pct/5NT> a nhs:ClinicalCommissioningGroup")),
    (
        "SubICBLocationGssCodeShape",
        "sub-icb/00M",
        replace("<sub-icb/00M> nhs:gssCode", '"E38000004"', '"E39000004"'),
    ),
    (
        "AreaTeamGssCodeShape",
        "area-team/Q46",
        replace("<area-team/Q46> nhs:gssCode", '"E39000001"', '"E38000001"'),
    ),
    (
        "NHSEnglandRegionGssCodeShape",
        "region/Y56",
        replace("<region/Y56> nhs:gssCode", '"E40000003"', '"E39000003"'),
    ),
    (
        "SustainabilityAndTransformationPartnershipGssCodeShape",
        "stp/QHM",
        replace("<stp/QHM> nhs:gssCode", '"E54000001"', '"E59000001"'),
    ),
    (
        "IntegratedCareSystemGssCodeShape",
        "ics/QHL",
        replace("<ics/QHL> nhs:gssCode", '"E59000002"', '"E38000002"'),
    ),
    (
        "IntegratedCareBoardGssCodeShape",
        "icb/QKK",
        replace("<icb/QKK> nhs:gssCode", '"E54000003"', '"E59000003"'),
    ),
    # --- relations
    (
        "MembershipMemberShape",
        "sha/Q31/accountability/department/department-of-health/2006-07-01",
        dele("<sha/Q31/accountability/department/department-of-health/2006-07-01> org:member ?m"),
    ),
    (
        "MembershipOrganizationShape",
        "nhs-cb/X24/accountability/department/department-of-health/2012-10-01",
        dele("<nhs-cb/X24/accountability/department/department-of-health/2012-10-01> org:organization ?o"),
    ),
    (
        "MembershipRoleShape",
        "practice/P84001/membership/ccg/00L/2013-04-01",
        ins("<practice/P84001/membership/ccg/00L/2013-04-01> org:role nhs:partner"),
    ),
    (
        "MemberDuringShape",
        "nhs-cb/X24/accountability/department/department-of-health/2012-10-01",
        dele("<nhs-cb/X24/accountability/department/department-of-health/2012-10-01> org:memberDuring ?i"),
    ),
    (
        "MembershipStartDateShape",
        "nhs-cb/X24/accountability/department/department-of-health/2012-10-01",
        ins(
            '<nhs-cb/X24/accountability/department/department-of-health/2012-10-01> schema:startDate "2012-10-01"'
        ),
    ),
    (
        "MembershipEndDateShape",
        "pct/5NT/accountability/sha/Q31/2006-10-01",
        ins('<pct/5NT/accountability/sha/Q31/2006-10-01> schema:endDate "2013-03-31"'),
    ),
    (
        "MembershipEndStatusShape",
        "ccg/00L/accountability/nhs-cb/X24/2013-04-01",
        ins("<ccg/00L/accountability/nhs-cb/X24/2013-04-01> nhs:endStatus nhs:EndUnknown"),
    ),
    (
        "MembershipOpenEndShape",
        "practice/P84001/membership/ccg/00L/2013-04-01",
        dele("<practice/P84001/membership/ccg/00L/2013-04-01> nhs:endStatus ?s"),
    ),
    ("MembershipClassShape", "membership/untyped", ins("<membership/untyped> a org:Membership")),
    (
        "PracticeMemberShape",
        "practice/P84001/membership/ccg/00L/2013-04-01",
        replace(
            "<practice/P84001/membership/ccg/00L/2013-04-01> org:member", "<practice/P84001>", "<pct/5NT>"
        ),
    ),
    (
        "ClusterRoleShape",
        "pct/5NT/cluster/pct-cluster/Q31C/2006-10-01",
        replace("<pct/5NT/cluster/pct-cluster/Q31C/2006-10-01> org:role", "nhs:clusterMember", "nhs:partner"),
    ),
    (
        "ClusterPartiesShape",
        "pct/5NT/cluster/pct-cluster/Q31C/2006-10-01",
        replace("<pct/5NT/cluster/pct-cluster/Q31C/2006-10-01> org:member", "<pct/5NT>", "<sha/Q31>"),
    ),
    (
        "PartnershipRoleShape",
        "ccg/00L/partnership/stp/QHM/2013-04-01",
        replace("<ccg/00L/partnership/stp/QHM/2013-04-01> org:role", "nhs:partner", "nhs:clusterMember"),
    ),
    (
        "AccountabilityRoleShape",
        "sha/Q31/accountability/department/department-of-health/2006-07-01",
        replace(
            "<sha/Q31/accountability/department/department-of-health/2006-07-01> org:role",
            "nhs:accountableTo",
            "nhs:partner",
        ),
    ),
    (
        "OrganisationMemberShape",
        "ccg/00L/partnership/stp/QHM/2013-04-01",
        replace("<ccg/00L/partnership/stp/QHM/2013-04-01> org:member", "<ccg/00L>", "<source/ods>"),
    ),
    (
        "PostHoldingRoleShape",
        "person/jane-doe/post/ccg/00L/accountable-officer/2013-04-01",
        replace(
            "<person/jane-doe/post/ccg/00L/accountable-officer/2013-04-01> org:role",
            "nhs:accountableOfficer",
            "nhs:memberPractice",
        ),
    ),
    # nhs:post has range org:Post, so only its count can be broken.
    (
        "PostHoldingPostShape",
        "person/jane-doe/post/ccg/00L/accountable-officer/2013-04-01",
        dele("<person/jane-doe/post/ccg/00L/accountable-officer/2013-04-01> nhs:post ?p"),
    ),
    (
        "PostHolderShape",
        "person/jane-doe/post/ccg/00L/accountable-officer/2013-04-01",
        replace(
            "<person/jane-doe/post/ccg/00L/accountable-officer/2013-04-01> org:member",
            "<person/jane-doe>",
            "<ccg/00L>",
        ),
    ),
    (
        "PostInShape",
        "post/ccg/00L/accountable-officer",
        dele("<post/ccg/00L/accountable-officer> org:postIn ?o"),
    ),
    # --- events and figures
    (
        "ChangeEventClassShape",
        "event/2013-04-01/ccg-00L-established",
        replace("<event/2013-04-01/ccg-00L-established> a", "nhs:Establishment", "org:ChangeEvent"),
    ),
    (
        "EventDateShape",
        "event/2013-04-01/ccg-00L-established",
        ins('<event/2013-04-01/ccg-00L-established> dcterms:date "2013-04-01"'),
    ),
    (
        "OriginalOrganizationShape",
        "event/2013-04-01/ccg-00L-established",
        ins('<event/2013-04-01/ccg-00L-established> org:originalOrganization "Example PCT"'),
    ),
    (
        "ResultingOrganizationShape",
        "event/2013-04-01/ccg-00L-established",
        ins('<event/2013-04-01/ccg-00L-established> org:resultingOrganization "NHS Example CCG"'),
    ),
    (
        "EventPartShape",
        "event/2013-04-01/ccg-00L-established",
        ins("<event/2013-04-01/ccg-00L-established> dcterms:hasPart <figure/pct-count-2006-10-01>"),
    ),
    (
        "EstablishmentShape",
        "event/2013-04-01/ccg-00L-established",
        dele("<event/2013-04-01/ccg-00L-established> org:resultingOrganization ?o"),
    ),
    (
        "AbolitionShape",
        "event/2013-04-01/pct-5NT-abolished",
        dele("<event/2013-04-01/pct-5NT-abolished> org:originalOrganization ?o"),
    ),
    (
        "MergerShape",
        "event/2013-04-01/pct-5NT-ct-TAC-merged",
        dele("<event/2013-04-01/pct-5NT-ct-TAC-merged> org:originalOrganization <ct/TAC>"),
    ),
    (
        "SplitShape",
        "event/2013-04-01/ha-Q01-split",
        dele("<event/2013-04-01/ha-Q01-split> org:resultingOrganization <local-office/Q71>"),
    ),
    (
        "RenamingShape",
        "event/2014-04-01/ccg-00L-renamed",
        dele("<event/2014-04-01/ccg-00L-renamed> org:resultingOrganization ?o"),
    ),
    (
        "EventPartiesDatedShape",
        "event/2013-04-01/ha-Q01-split",
        dele("<local-office/Q71> schema:foundingDate ?d"),
    ),
    ("FigureOfShape", "figure/pct-count-2006-10-01", dele("<figure/pct-count-2006-10-01> nhs:figureOf ?o")),
    (
        "FigureMeasureShape",
        "figure/pct-count-2006-10-01",
        ins("<figure/pct-count-2006-10-01> nhs:measure nhs:Stated"),
    ),
    (
        "FigureValueShape",
        "figure/pct-count-2006-10-01",
        replace("<figure/pct-count-2006-10-01> rdf:value", "152", '"152"'),
    ),
    (
        "FigureUnitShape",
        "figure/pct-count-2006-10-01",
        replace("<figure/pct-count-2006-10-01> schema:unitText", '"organisations"', '"organisations"@en'),
    ),
    (
        "FigureDateShape",
        "figure/pct-count-2006-10-01",
        ins('<figure/pct-count-2006-10-01> dcterms:date "2006-10-01"'),
    ),
    (
        "FigureApproximateDateShape",
        "figure/pct-count-2006-10-01",
        ins('<figure/pct-count-2006-10-01> nhs:approximateDate "October 2006"'),
    ),
    # --- the laws of a history (shapes/history.ttl)
    (
        "SuccessionForwardShape",
        "ccg/00L",
        # The merged PCT still open: a predecessor that never ended is a contemporary.
        dele("<pct/5NT> schema:dissolutionDate ?d") + " ; " + ins("<pct/5NT> nhs:endStatus nhs:Current"),
    ),
    (
        "SuccessionForwardShape",
        "ccg/00L",
        # The successor ends with its predecessor: contemporaries.
        ins('<ccg/00L> schema:dissolutionDate "2013-03-31"^^xsd:date'),
    ),
    (
        "SuccessionForwardShape",
        "ccg/00L",
        # The successor founded before its predecessor: backwards in time.
        replace("<ccg/00L> schema:foundingDate", '"2013-04-01"^^xsd:date', '"2006-01-01"^^xsd:date'),
    ),
    (
        "ReplacesCycleShape",
        "ccg/00L pct/5NT",  # every body on the cycle is named
        ins("<pct/5NT> dcterms:replaces <ccg/00L>"),
    ),
    (
        "SinglePostHolderShape",
        "post/ccg/00L/accountable-officer",
        ins(
            '<person/john-roe> a foaf:Person ; rdfs:label "John Roe"@en .'
            " <person/john-roe/post/ccg/00L/accountable-officer/2014-04-01> a nhs:PostHolding ;"
            " org:member <person/john-roe> ; org:organization <ccg/00L> ; org:role nhs:accountableOfficer ;"
            ' nhs:post <post/ccg/00L/accountable-officer> ; schema:startDate "2014-04-01"^^xsd:date'
        ),
    ),
    (
        "RelationStartShape",
        "pct/5NT/cluster/pct-cluster/Q31C/2006-10-01",
        dele("<pct/5NT/cluster/pct-cluster/Q31C/2006-10-01> schema:startDate ?d"),
    ),
    (
        "PastRelationOpenShape",
        "pct/5NT/cluster/pct-cluster/Q31C/2006-10-01",
        dele("<pct/5NT/cluster/pct-cluster/Q31C/2006-10-01> schema:endDate ?d")
        + " ; "
        + ins("<pct/5NT/cluster/pct-cluster/Q31C/2006-10-01> nhs:endStatus nhs:EndUnknown"),
    ),
    (
        "EndUnknownDatedShape",
        "ccg/00L",
        replace("<ccg/00L> nhs:endStatus", "nhs:Current", "nhs:EndUnknown"),
    ),
    (
        "KnownGapBodyShape",
        "practice/P84001/gap/parent-unknown/1974-04-01",
        dele("<practice/P84001/gap/parent-unknown/1974-04-01> nhs:gapIn ?b"),
    ),
    (
        "KnownGapKindShape",
        "practice/P84001/gap/parent-unknown/1974-04-01",
        replace(
            "<practice/P84001/gap/parent-unknown/1974-04-01> nhs:gapKind", "nhs:ParentUnknown", "nhs:Current"
        ),
    ),
    (
        "KnownGapStartShape",
        "practice/P84001/gap/parent-unknown/1974-04-01",
        dele("<practice/P84001/gap/parent-unknown/1974-04-01> schema:startDate ?d"),
    ),
    (
        "KnownGapEndShape",
        "practice/P84001/gap/parent-unknown/1974-04-01",
        ins('<practice/P84001/gap/parent-unknown/1974-04-01> schema:endDate "2006"'),
    ),
    (
        "KnownGapDescriptionShape",
        "practice/P84001/gap/parent-unknown/1974-04-01",
        dele("<practice/P84001/gap/parent-unknown/1974-04-01> dcterms:description ?d"),
    ),
    (
        "KnownGapSourceShape",
        "practice/P84001/gap/parent-unknown/1974-04-01",
        dele("<practice/P84001/gap/parent-unknown/1974-04-01> prov:wasDerivedFrom ?s"),
    ),
    (
        "KnownGapWithinLifeShape",
        "practice/P84001/gap/parent-unknown/1974-04-01",
        replace(
            "<practice/P84001/gap/parent-unknown/1974-04-01> schema:startDate",
            '"1974-04-01"^^xsd:date',
            '"1970-01-01"^^xsd:date',
        ),
    ),
]


@pytest.fixture(autouse=True, scope="module")
def _shapes_parsed_once() -> Iterator[None]:
    """Parsing shapes/*.ttl takes most of a validation of this small graph: do it once for the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "load_shapes", cache(validation.load_shapes))
        yield


def load(updates: str = "") -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        store.load_file(path, iris.graph("ontology"))
    store.load_file(BASE, DATA)
    if updates:
        store.update(PREFIXES + updates.replace("%G", DATA))
    reasoning.materialise(store, iris.graph("inferred"))
    return store


def pairs(report: ValidationReport) -> set[tuple[str, str]]:
    return {(r.source_shape.removeprefix(SHP), _id(r.focus_node)) for r in report.results}


def _id(term: object) -> str:
    return term.value.removeprefix(ID) if isinstance(term, IRI) else str(term)


def pyshacl_pairs(store: OxigraphStore) -> set[tuple[str, str]]:
    import pyshacl

    data = Graph()
    data.parse(
        data=store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").serialize("ntriples"), format="nt"
    )
    shapes = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        shapes.parse(path)
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False)
    sh = "http://www.w3.org/ns/shacl#"
    return {
        (str(results.value(r, URIRef(sh + "sourceShape"))).removeprefix(SHP), _id_rdflib(results, r))
        for r in results.subjects(URIRef(sh + "resultSeverity"), None)
    }


def _id_rdflib(results: Graph, result: object) -> str:
    focus = results.value(result, URIRef("http://www.w3.org/ns/shacl#focusNode"))  # type: ignore[arg-type]
    return str(focus).removeprefix(ID)


def test_base_graph_conforms_without_any_result() -> None:
    report = validate(load(), SHAPES)
    assert report.results == [], report.to_text()
    assert report.conforms


@pytest.mark.parametrize(("shape", "focus", "update"), MUTATIONS, ids=[f"{m[0]}-{m[1]}" for m in MUTATIONS])
def test_each_mutation_is_caught_with_exactly_the_node_named(shape: str, focus: str, update: str) -> None:
    report = validate(load(update), SHAPES)
    assert {node for name, node in pairs(report) if name == shape} == set(focus.split()), report.to_text()


@pytest.mark.parametrize(("shape", "focus", "update"), MUTATIONS[:8], ids=[m[0] for m in MUTATIONS[:8]])
def test_pyshacl_reports_the_same_pairs(shape: str, focus: str, update: str) -> None:
    store = load(update)
    assert pairs(validate(store, SHAPES)) == pyshacl_pairs(store)


HISTORY = [
    m for m in MUTATIONS if m[0] in ("SuccessionForwardShape", "ReplacesCycleShape", "SinglePostHolderShape")
]


@pytest.mark.parametrize(("shape", "focus", "update"), HISTORY, ids=[m[0] for m in HISTORY])
def test_pyshacl_reports_the_same_pairs_for_the_laws(shape: str, focus: str, update: str) -> None:
    store = load(update)
    assert pairs(validate(store, SHAPES)) == pyshacl_pairs(store)


GAP_IN_00L = (
    "DELETE WHERE { GRAPH ?g { id:ccg\\/00L\\/accountability\\/nhs-cb\\/X24\\/2013-04-01 ?p ?o } } ; "
    "INSERT DATA { GRAPH <%G> { <ccg/00L/gap/accountability-unknown/2013-04-01> a nhs:KnownGap ;"
    ' rdfs:label "Accountability of NHS Example CCG unknown"@en ; nhs:gapIn <ccg/00L> ;'
    ' nhs:gapKind nhs:AccountabilityUnknown ; schema:startDate "2013-04-01"^^xsd:date ; END'
    ' dcterms:description "No source consulted says."@en ; prov:wasDerivedFrom <source/ods> } }'
)


def test_a_stated_gap_covers_the_days_no_accountability_covers() -> None:
    report = validate(load(GAP_IN_00L.replace("END", "")), SHAPES)
    assert report.results == [], report.to_text()


def test_the_day_after_a_gap_ends_is_uncovered_again() -> None:
    update = GAP_IN_00L.replace("END", 'schema:endDate "2015-03-31"^^xsd:date ;')
    report = validate(load(update), SHAPES)
    found = {
        (r.source_shape.removeprefix(SHP), _id(r.focus_node), r.value and r.value.value)
        for r in report.results
    }
    assert found == {("AccountabilityCoverageShape", "ccg/00L", "2015-04-01")}, report.to_text()


def test_pyshacl_agrees_on_the_base_graph() -> None:
    store = load()
    assert pyshacl_pairs(store) == pairs(validate(store, SHAPES)) == set()


def shape_names() -> set[str]:
    """The local name of every shape declared in shapes/*.ttl."""
    sh = "http://www.w3.org/ns/shacl#"
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    shapes = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        shapes.parse(path)
    return {
        str(node).removeprefix(SHP)
        for kind in ("NodeShape", "PropertyShape")
        for node in shapes.subjects(rdf_type, URIRef(sh + kind))
        if str(node).startswith(SHP)
    }


def test_every_shape_has_a_mutation() -> None:
    missing = sorted(shape_names() - {shape for shape, _, _ in MUTATIONS})
    assert not missing, f"shapes with no mutation in MUTATIONS: {', '.join(missing)}"
    unknown = sorted({shape for shape, _, _ in MUTATIONS} - shape_names())
    assert not unknown, f"mutations of shapes that do not exist: {', '.join(unknown)}"


def untargeted_shapes(store: OxigraphStore) -> list[str]:
    """The shapes with no focus node in store: their rule is never checked on a conforming node."""
    sh = "http://www.w3.org/ns/shacl#"
    shapes = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        shapes.parse(path)
    patterns = {
        "targetClass": "?focus a <{}>",
        "targetSubjectsOf": "?focus <{}> ?any",
        "targetObjectsOf": "?any <{}> ?focus",
        "targetNode": "BIND(<{}> AS ?focus) ?focus ?p ?o",
    }
    missing = []
    for name in sorted(shape_names()):
        targets = [
            pattern.format(target)
            for kind, pattern in patterns.items()
            for target in shapes.objects(URIRef(SHP + name), URIRef(sh + kind))
        ]
        if not any(store.ask(f"ASK {{ {target} }}") for target in targets):
            missing.append(name)
    return missing


def test_base_graph_has_a_conforming_node_for_every_shape() -> None:
    missing = untargeted_shapes(load())
    assert not missing, f"no node of tests/data/shapes/base.ttl is a target of: {', '.join(missing)}"
