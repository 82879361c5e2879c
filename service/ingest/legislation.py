"""Acts and statutory instruments: legislation.gov.uk's identifiers, and the items this dataset cites.

legislation.gov.uk names each item of legislation twice. Its identifier, `http://www.legislation.gov.uk/id/
{ukpga|uksi}/{year}/{number}`, stands for the Act or instrument itself (the `IdURI` of its XML); its document,
`https://www.legislation.gov.uk/{ukpga|uksi}/{year}/{number}`, is the page that shows it (the `DocumentURI`).
`nhs:legalBasis` links to the identifier; an `nhs:Legislation` source node has the document as its
`schema:url` and the identifier as its `owl:sameAs` (docs/modelling.md, "Links out").

`CHECKED` lists every item that a converter names by its year and number (the constants of
`service.ingest.national`), with its title and the page on which the title, year and number were checked, so
that no number is typed from memory: `SourceBook.law` cites that page. An item reached only through an
address on legislation.gov.uk (a curated `source_url`) needs no entry: its year and number are the address's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ID = "http://www.legislation.gov.uk/id/"
SITE = "https://www.legislation.gov.uk/"
KINDS = ("ukpga", "uksi")
_ID = re.compile(r"^http://www\.legislation\.gov\.uk/id/(ukpga|uksi)/(\d{4})/(\d+)$")


def legislation(kind: str, year: int, number: int) -> str:
    """The identifier of a whole Act (`ukpga`, number = chapter) or statutory instrument (`uksi`)."""
    if kind not in KINDS:
        raise ValueError(f"not an Act or statutory instrument: {kind!r}")
    return f"{ID}{kind}/{year}/{number}"


def parts(law: str) -> tuple[str, int, int]:
    """(kind, year, number) of an identifier made by `legislation`."""
    match = _ID.match(law)
    if not match:
        raise ValueError(f"not a legislation.gov.uk identifier of an Act or instrument: {law!r}")
    kind, year, number = match.groups()
    return kind, int(year), int(number)


def document(law: str) -> str:
    """The page on legislation.gov.uk that shows the item."""
    kind, year, number = parts(law)
    return f"{SITE}{kind}/{year}/{number}"


def fallback_title(law: str) -> str:
    """A title from the number alone, for an item cited by address whose title no source gives here."""
    kind, year, number = parts(law)
    if kind == "uksi":
        return f"Statutory Instrument {year} No. {number}"
    return f"Act of Parliament {year} c. {number}"


@dataclass(frozen=True)
class Checked:
    """An item's title, and the page (with its title) where its title, year and number were read."""

    title: str
    page: str
    page_title: str


_LEG = "legislation.gov.uk: "
CHECKED: dict[str, Checked] = {
    legislation("ukpga", 1977, 49): Checked(
        "National Health Service Act 1977",
        "https://www.legislation.gov.uk/ukpga/1977/49/section/28B/data.xml",
        _LEG + "National Health Service Act 1977, section 28B (XML, with its IdURI)",
    ),
    legislation("ukpga", 1995, 17): Checked(
        "Health Authorities Act 1995",
        "http://legislation.data.gov.uk/ukpga/1995/17/enacted/data.htm?wrap=true",
        _LEG + "Health Authorities Act 1995, 1995 chapter 17, as enacted",
    ),
    legislation("ukpga", 2002, 17): Checked(
        "National Health Service Reform and Health Care Professions Act 2002",
        "https://en.wikipedia.org/wiki/National_Health_Service_Reform_and_Health_Care_Professions_Act_2002",
        "Wikipedia: National Health Service Reform and Health Care Professions Act 2002 (2002 c. 17)",
    ),
    legislation("ukpga", 2006, 41): Checked(
        "National Health Service Act 2006",
        "https://www.legislation.gov.uk/ukpga/2006/41/schedule/21/data.xml",
        _LEG + "National Health Service Act 2006, schedule 21 (XML, with its IdURI)",
    ),
    legislation("ukpga", 2012, 7): Checked(
        "Health and Social Care Act 2012",
        "http://www.legislation.gov.uk/ukpga/2012/7/contents/enacted?view=plain",
        _LEG + "Health and Social Care Act 2012, contents as enacted",
    ),
    legislation("ukpga", 2022, 31): Checked(
        "Health and Care Act 2022",
        "https://www.legislation.gov.uk/ukpga/2022/31/section/92/data.xml",
        _LEG + "Health and Care Act 2022, section 92 (XML, with its IdURI)",
    ),
    legislation("uksi", 1996, 709): Checked(
        "The Health Authorities Act 1995 (Transitional Provisions) Order 1996",
        "https://www.legislation.gov.uk/uksi/1996/709/made",
        _LEG + "The Health Authorities Act 1995 (Transitional Provisions) Order 1996, 1996 No. 709, as made",
    ),
    legislation("uksi", 2002, 553): Checked(
        "The Health Authorities (Establishment and Abolition) (England) Order 2002",
        "http://legislation.data.gov.uk/uksi/2002/553/made/data.htm?wrap=true",
        _LEG + "The Health Authorities (Establishment and Abolition) (England) Order 2002, 2002 No. 553",
    ),
    legislation("uksi", 2002, 2469): Checked(
        "The National Health Service Reform and Health Care Professions Act 2002 (Supplementary, "
        "Consequential etc. Provisions) Regulations 2002",
        "http://www.legislation.gov.uk/uksi/2002/2469/body/made",
        _LEG + "The National Health Service Reform and Health Care Professions Act 2002 (Supplementary, "
        "Consequential etc. Provisions) Regulations 2002, as made",
    ),
    legislation("uksi", 2003, 1066): Checked(
        "The Primary Care Trusts (Dissolutions) Order 2003",
        "https://www.legislation.gov.uk/uksi/2003/1066/made",
        _LEG + "2003 No. 1066, as made (the address the curated key events cite)",
    ),
    legislation("uksi", 2006, 2072): Checked(
        "The Primary Care Trusts (Establishment and Dissolution) (England) Order 2006",
        "http://legislation.data.gov.uk/uksi/2006/2072/made/data.htm?wrap=true",
        _LEG + "The Primary Care Trusts (Establishment and Dissolution) (England) Order 2006, 2006 No. 2072",
    ),
    legislation("uksi", 2011, 2237): Checked(
        "The NHS Commissioning Board Authority (Establishment and Constitution) Order 2011",
        "http://www.legislation.gov.uk/uksi/2011/2237/body/made",
        _LEG + "The NHS Commissioning Board Authority (Establishment and Constitution) Order 2011, as made",
    ),
    legislation("uksi", 2022, 634): Checked(
        "The Health and Care Act 2022 (Consequential and Related Amendments and Transitional Provisions) "
        "Regulations 2022",
        "http://www.legislation.gov.uk/uksi/2022/634/made/data.xht?view=snippet&wrap=true",
        _LEG + "The Health and Care Act 2022 (Consequential and Related Amendments and Transitional "
        "Provisions) Regulations 2022, 2022 No. 634, as made",
    ),
}
