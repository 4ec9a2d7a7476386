"""Fact extraction: unit tests on short strings, and gold tests on the five sample policies."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
import yaml

from policies.extraction.document import ClauseInput, Fact
from policies.extraction.facts import VOCABULARY, extract_facts, facts_summary, find_last_updated

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "policies"
GOLD = Path(__file__).resolve().parents[1] / "gold" / "facts"
SAMPLE_NAMES = ("impartus", "classtime", "upart", "informetric", "anymeeting")


def line_clauses(text: str) -> list[ClauseInput]:
    """One clause per non-empty line: enough structure for short test strings."""
    clauses = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group(0).strip():
            n = len(clauses)
            clauses.append(
                ClauseInput(id=n, order=n, start=m.start(), end=m.end(), text=m.group(0))
            )
    return clauses


def facts_of(text: str, kind: str | None = None) -> list[Fact]:
    clauses = line_clauses(text)
    facts = extract_facts(text, clauses)
    assert_evidence(facts, clauses)
    return [f for f in facts if kind is None or f.kind == kind]


def values(text: str, kind: str) -> list[dict]:
    return [f.value for f in facts_of(text, kind)]


def assert_evidence(facts: list[Fact], clauses: list[ClauseInput]) -> None:
    by_id = {c.id: c for c in clauses}
    for f in facts:
        clause = by_id[f.clause_id]
        assert clause.start <= f.start < f.end <= clause.end, f
        json.dumps(f.value)  # values are JSON-serialisable


# --- contacts --------------------------------------------------------------------------------


def test_email_roles_and_placeholders():
    text = (
        "Write to privacy@acme.io or our DPO at dpo@acme.io.\n"
        "Support: help@acme.io. General: info@acme.io. Sales: sales@acme.io.\n"
        "For example, name@example.com is not ours."
    )
    found = {v["address"]: v["role"] for v in values(text, "email")}
    assert found == {
        "privacy@acme.io": "privacy",
        "dpo@acme.io": "dpo",
        "help@acme.io": "support",
        "info@acme.io": "general",
        "sales@acme.io": "other",
    }


def test_obfuscated_email():
    assert values("Email privacy [at] acme [dot] com for help.", "email")[0]["address"] == (
        "privacy@acme.com"
    )


def test_contact_us_below_with_nothing_below_is_no_contact():
    text = "Contacting Us\nYou can contact us using the information below."
    kinds = {f.kind for f in facts_of(text)}
    assert not kinds & {"email", "phone", "address", "contact_form"}


@pytest.mark.parametrize(
    ("text", "number", "toll_free"),
    [
        ("Call us at +1 (213) 421-6800.", "+1 (213) 421-6800", False),
        ("Call toll-free 1-800-555-0199 any time.", "1-800-555-0199", True),
        ("Phone: (888) 555-0100", "(888) 555-0100", True),
        ("Tel. +44 20 7946 0958", "+44 20 7946 0958", False),
        ("or call us at +1.908.918.0111.", "+1.908.918.0111", False),
    ],
)
def test_phone_numbers(text, number, toll_free):
    assert values(text, "phone") == [{"number": number, "toll_free": toll_free}]


@pytest.mark.parametrize(
    "text",
    [
        "Under California Civil Code sections 1798.83-1798.84, residents may ask.",
        "This policy was updated on 2020-05-01 and 2021-06-30.",
        "Our IP range is 192.168.100.200 for servers.",
        "Fax: +1 (213) 421-6801",
        "We keep logs for 365 days and reply within 30 days.",
    ],
)
def test_phone_lookalikes_are_not_phones(text):
    assert values(text, "phone") == []


def test_address_split_over_lines_and_inside_sentence():
    block = "Acme Learning Ltd\n12 High Street\nLondon EC1A 1BB\nUnited Kingdom"
    found = values(block, "address")
    assert (
        len(found) == 1 and "EC1A 1BB" in found[0]["text"] and "12 High Street" in found[0]["text"]
    )
    inline = "Our office is at 500 Market Street, Suite 300, San Francisco, CA 94105. Visit us."
    found = values(inline, "address")
    assert len(found) == 1 and found[0]["text"].endswith("CA 94105")
    assert values("We have 3 Main goals and 42 Street teams in 2020.", "address") == []


def test_contact_form():
    found = values("Use our contact form at https://acme.io/contact to reach us.", "contact_form")
    assert found and found[0]["url"] == "https://acme.io/contact"


def test_dpo_and_eu_representative():
    text = (
        "Our Data Protection Officer can be reached at dpo@acme.io.\n"
        "Our representative in the EU is Acme EU Rep GmbH, Berlin."
    )
    assert values(text, "dpo")[0]["has_contact"] is True
    assert len(values(text, "eu_representative")) == 1
    assert values("We are not required to appoint a data protection officer.", "dpo") == []


def test_organization_from_legal_entity_self_definition_and_title():
    assert values("Contact\nAcme Widgets, Inc.\n1 Main St", "organization") == [
        {"name": "Acme Widgets, Inc."}
    ] or values("Contact\nAcme Widgets, Inc.\n1 Main St", "organization") == [
        {"name": "Acme Widgets Inc."}
    ]
    text = "This policy explains how Brightly (“Brightly”, “we”, “us”) handles data."
    assert values(text, "organization") == [{"name": "Brightly"}]
    assert values("Zenda Privacy Policy\nWe care.", "organization") == [{"name": "Zenda"}]
    # Google LLC is a third party, never the policy's organisation.
    text = "Nimbus Privacy Policy\nWe use Google LLC services."
    assert values(text, "organization") == [{"name": "Nimbus"}]


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Last updated: March 3, 2021", datetime.date(2021, 3, 3)),
        ("Effective Date: 01/05/2020", datetime.date(2020, 1, 5)),
        ("Effective date: 13/05/2020", datetime.date(2020, 5, 13)),
        ("Last revised 2020-05-01.", datetime.date(2020, 5, 1)),
        ("This policy is effective as of 1st May 2020.", datetime.date(2020, 5, 1)),
        ("Updated 5 May, 2020", datetime.date(2020, 5, 5)),
        ("Last Updated Sept. 3 2021", datetime.date(2021, 9, 3)),
    ],
)
def test_last_updated_formats(text, date):
    found = find_last_updated(text)
    assert found is not None and found[0] == date
    assert text[found[1] : found[2]].lower().startswith(("last", "effective", "this", "updated"))


def test_archive_and_capture_dates_are_not_the_policy_date():
    assert find_last_updated("This text was archived on 2019-08-28 from the web.") is None
    assert find_last_updated("Page captured on March 3, 2021. Updated: printed 2021-04-01") is None
    assert find_last_updated("We were founded in May 2010 and have 20 staff.") is None
    both = "Archived on 2019-08-28.\nLast updated: June 1, 2018"
    assert find_last_updated(both)[0] == datetime.date(2018, 6, 1)


def test_last_updated_prefers_label_and_latest():
    text = "Effective: January 1, 2019\nLast updated: March 2, 2020\nLast updated: March 1, 2021"
    assert find_last_updated(text)[0] == datetime.date(2021, 3, 1)
    assert values("Last updated: March 3, 2021", "last_updated") == [
        {"date": "2021-03-03", "label": "last_updated"}
    ]


# --- practices --------------------------------------------------------------------------------


def test_data_categories_and_sources():
    text = (
        "When you register we collect your name, email address and password.\n"
        "We automatically collect your IP address, browser type and pages viewed using cookies.\n"
        "We receive information from third-party sources such as social networks."
    )
    found = {(v["category"], v["source"]) for v in values(text, "data_category")}
    assert {("contact", "user"), ("account_credentials", "user")} <= found
    assert {("identifiers", "automatic"), ("cookies_trackers", "automatic")} <= found
    assert {v["source"] for v in values(text, "data_source")} >= {
        "user",
        "automatic",
        "third_party",
    }
    assert all(v["category"] in VOCABULARY["data_category"] for v in values(text, "data_category"))


def test_purposes_and_legal_bases():
    text = (
        "We use your data to provide our services, to analyze usage and for marketing.\n"
        "We process data to perform the contract with you, based on our legitimate interests, "
        "and to comply with legal obligations."
    )
    purposes = {v["purpose"] for v in values(text, "purpose")}
    assert {"provide_service", "analytics", "marketing"} <= purposes
    bases = {v["basis"] for v in values(text, "legal_basis")}
    assert bases == {"contract", "legitimate_interests", "legal_obligation"}
    # "without your consent" is no legal basis.
    assert values("We never share your contact details without your consent.", "legal_basis") == []


def test_third_parties_curated_and_entities():
    text = (
        "We use Google Analytics and the Facebook Pixel; payments go through Stripe.\n"
        "We share data with Acme Data Services, LLC to host the service.\n"
        "We may segment our users by role. Zoom in on the map."
    )
    names = {v["name"] for v in values(text, "third_party")}
    assert {"Google Analytics", "Facebook Pixel", "Stripe"} <= names
    assert any("Acme Data Services" in n for n in names)
    assert "Segment" not in names and "Zoom" not in names and "Google" not in names


def test_recipient_categories():
    text = (
        "We share data with service providers and our affiliates.\n"
        "We may disclose information to law enforcement when required by law.\n"
        "Data may be transferred in a merger or acquisition."
    )
    cats = {v["category"] for v in values(text, "recipient_category")}
    assert {"service_providers", "affiliates", "law_enforcement", "acquirers"} <= cats
    assert values("We log your internet service provider.", "recipient_category") == []


@pytest.mark.parametrize(
    ("text", "days", "trigger", "vague"),
    [
        (
            "Personal data will be deleted 6 months after deletion of the corresponding account.",
            180,
            "account deletion",
            False,
        ),
        ("We retain logs for 2 years.", 730, None, False),
        ("We keep backups for thirty (30) days.", 30, None, False),
        ("We retain your data for as long as necessary.", None, None, True),
        ("Data is kept for two weeks after your last login.", 14, "last activity", False),
    ],
)
def test_retention(text, days, trigger, vague):
    found = values(text, "retention")
    assert len(found) == 1
    assert (found[0]["period_days"], found[0]["trigger"], found[0]["vague"]) == (
        days,
        trigger,
        vague,
    )


def test_retention_lookalikes():
    assert values("Please allow at least thirty days for a response.", "retention") == []
    assert values("These vendors do not retain or store your data.", "retention") == []


@pytest.mark.parametrize(
    ("text", "sells"),
    [
        ("We do not sell your personal information.", False),
        ("We never sell or rent your personal data to anyone.", False),
        ("We will not sell your data.", False),
        ("Your information won't be sold to third parties.", False),
        ("The information you provide will not be sold or rented to third parties.", False),
        ("We sell your personal information to data brokers.", True),
        ("Not only do we sell your personal information, but also we rent it.", True),
    ],
)
def test_sale_negation(text, sells):
    assert values(text, "sale") == [{"sells": sells, "negated": not sells}]


def test_sale_of_assets_or_products_is_not_selling_data():
    text = (
        "We may share, transfer or sell some or all of our assets, including user information, "
        "in a merger.\nPartners who sell products on our behalf."
    )
    assert values(text, "sale") == []


def test_shares_for_ads():
    assert values("We share data with partners for targeted advertising.", "shares_for_ads") == [
        {"shares": True, "negated": False}
    ]
    assert values("We do not share your data for targeted advertising.", "shares_for_ads") == [
        {"shares": False, "negated": True}
    ]


def test_transfers_and_safeguards():
    text = (
        "We transfer personal data outside the EEA to the United States under standard "
        "contractual clauses.\nOur database is stored on servers in Switzerland."
    )
    found = values(text, "transfer")
    assert found[0]["outside"] == "EEA" and "United States" in found[0]["countries"]
    assert found[0]["safeguards"] == ["scc"]
    assert found[1]["countries"] == ["Switzerland"]
    not_transfers = (
        "We may transfer your data to third parties to fulfil the contract.\n"
        "This policy applies to users in the USA.\n"
        "We comply with laws outside your country of residence."
    )
    assert values(not_transfers, "transfer") == []


# --- rights, DNT ------------------------------------------------------------------------------


def test_rights_and_methods():
    text = (
        "You have the right to access, rectify or erase your personal data, the right to data "
        "portability and the right to object.\n"
        "You may withdraw your consent at any time.\n"
        "To exercise your rights, please e-mail privacy@acme.io."
    )
    found = {v["right"] for v in values(text, "right")}
    assert {"access", "rectification", "erasure", "portability", "objection"} <= found
    assert "withdraw_consent" in found
    assert {v["method"] for v in values(text, "request_method")} == {"email"}


def test_complaint_to_authority_vs_company():
    authority = "You have the right to lodge a complaint with a supervisory authority."
    assert {v["right"] for v in values(authority, "right")} == {"complaint_authority"}
    company = "Complaints\nIf you are not satisfied, please contact us by e-mail at a@acme.io."
    assert all(v["right"] != "complaint_authority" for v in values(company, "right"))


def test_we_update_or_delete_is_not_a_right():
    text = "We may update this privacy policy.\nYou can block or delete the cookies we use."
    assert values(text, "right") == []


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("We do not respond to Do Not Track (DNT) signals.", "does_not_honor"),
        ("Our site does not currently honor Do Not Track requests.", "does_not_honor"),
        ("We honor Do Not Track signals from your browser.", "honors"),
        ("How do we respond to Do Not Track signals?", "mentioned"),
        ("Some browsers offer a Do Not Track feature.", "mentioned"),
    ],
)
def test_dnt_stance(text, stance):
    assert values(text, "dnt") == [{"stance": stance}]


def test_gpc_stance():
    assert values(
        "We treat Global Privacy Control signals as a valid request to opt out.", "gpc"
    ) == [{"stance": "honors"}]


def test_opt_out_of_marketing_and_sale_rights():
    text = (
        "You can opt out of receiving promotional emails by clicking unsubscribe.\n"
        "You have the right to opt out of the sale of your personal information."
    )
    rights = {v["right"] for v in values(text, "right")}
    assert {"opt_out_marketing", "opt_out_sale"} <= rights


# --- audiences --------------------------------------------------------------------------------


def test_children_not_directed_knowingly():
    text = "We do not knowingly collect information from children under 13."
    [value] = values(text, "children")
    assert value["min_age"] == 13 and value["directed_to_children"] is False
    assert value["statement"] in ("not_directed", "knowingly_collect")
    text = "Our Services are not intended for anyone under age 16."
    [value] = values(text, "children")
    assert (value["min_age"], value["directed_to_children"], value["statement"]) == (
        16,
        False,
        "not_directed",
    )


def test_children_consent_and_parental_rights():
    text = (
        "When teachers invite students under 13, they act on behalf of parents to give consent.\n"
        "If a student under 13 signs up alone, school consent is not applicable; we obtain consent "
        "from the parents.\n"
        "Parents may review or delete their child's information."
    )
    found = values(text, "children")
    assert [v["consent"] for v in found[:2]] == ["school", "parent"]
    assert found[2]["parental_rights"] is True


def test_student_data_commitments():
    text = (
        "We never sell student data.\n"
        "We do not use student information for targeted advertising.\n"
        "We act as a school official under FERPA.\n"
        "We process student data on behalf of the school."
    )
    statements = [(v["statement"], v["negated"]) for v in values(text, "student_data")]
    assert statements == [
        ("no_sale", True),
        ("no_targeted_ads", True),
        ("school_official", False),
        ("school_controls", False),
    ]


# --- vague terms, table of contents, summary -----------------------------------------------------


def test_vague_terms_counted_and_may_month_excluded():
    text = "We may share certain data from time to time, such as usage.\nLast updated May 17, 2018"
    terms = [v["term"] for v in values(text, "vague_term")]
    assert sorted(terms) == ["certain", "from time to time", "may", "such as"]


def test_table_of_contents_block_is_not_evidence():
    text = (
        "Please read this policy to learn more about the following:\n"
        "What information we collect.\n"
        "How to access and change your account information.\n"
        "How we share information.\n"
        "Registration\n"
        + "To register you must give us your name and email address, which we use to run the "
        "service, to keep your account safe and to send you messages about your account and "
        "about changes to it.\n"
    )
    facts = facts_of(text)
    toc = [f for f in facts if f.kind == "table_of_contents"]
    assert len(toc) == 4 and len(toc[0].value["entries"]) == 3
    toc_clauses = {f.clause_id for f in toc}
    assert not [f for f in facts if f.clause_id in toc_clauses and f.kind != "table_of_contents"]


def test_summary_shape():
    text = (
        "Acme Privacy Policy\nLast updated: March 3, 2021\n"
        "We do not sell your personal information.\n"
        "We do not respond to Do Not Track signals.\n"
        "Contact privacy@acme.io or call +1 (213) 421-6800.\n"
        "We may keep data for 2 years."
    )
    facts = facts_of(text)
    summary = facts_summary(facts, text)
    assert set(summary) == {
        "organization", "emails", "phones", "addresses", "last_updated", "data_categories",
        "purposes", "third_parties", "retention", "rights", "children", "dnt", "transfers",
        "sells_data", "shares_for_ads", "vague_terms",
    }  # fmt: skip
    assert summary["organization"] == "Acme"
    assert summary["last_updated"] == "2021-03-03"
    assert summary["sells_data"] is False and summary["dnt"] == "does_not_honor"
    assert summary["emails"][0]["address"] == "privacy@acme.io"
    assert {"clause_id", "start", "end"} <= set(summary["emails"][0])
    assert summary["retention"][0]["period_days"] == 730
    assert summary["vague_terms"]["total"] >= 1
    assert summary["children"] == {"min_age": None, "directed_to_children": None, "consent": None}
    json.dumps(summary)


def test_all_closed_values_are_in_the_vocabulary():
    text = SAMPLES.joinpath("classtime.txt").read_text() if SAMPLES.is_dir() else ""
    fields = {
        "data_category": "category",
        "purpose": "purpose",
        "legal_basis": "basis",
        "recipient_category": "category",
        "right": "right",
        "request_method": "method",
    }
    for f in facts_of(text or "We use cookies to analyze usage."):
        if f.kind in fields:
            assert f.value[fields[f.kind]] in VOCABULARY[f.kind]


# --- gold samples ------------------------------------------------------------------------------


def sample_clauses(name: str) -> tuple[str, list[ClauseInput]]:
    """The sample read and segmented as the pipeline does; line clauses if stages are missing."""
    data = SAMPLES.joinpath(f"{name}.txt").read_bytes()
    try:
        from policies.extraction.readers import read_document
        from policies.extraction.segment import segment
    except ImportError:  # pragma: no cover - only before the reader/segmenter existed
        text = data.decode("utf-8")
        return text, line_clauses(text)
    read = read_document(data, f"{name}.txt")
    seg = segment(read.text, read.blocks)
    clauses = [
        ClauseInput(
            id=s.order,
            order=s.order,
            start=s.start,
            end=s.end,
            text=read.text[s.start : s.end],
            kind=s.kind,
            heading=s.heading,
            heading_path=s.heading_path,
        )
        for s in seg.clauses
    ]
    return read.text, clauses


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def score(gold: set, found: set) -> tuple[float, float]:
    recall = len(gold & found) / len(gold) if gold else 1.0
    precision = len(gold & found) / len(found) if found else 1.0
    return recall, precision


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_gold_sample(name):
    gold = yaml.safe_load(GOLD.joinpath(f"{name}.yaml").read_text())
    text, clauses = sample_clauses(name)
    facts = extract_facts(text, clauses)
    assert_evidence(facts, clauses)
    summary = facts_summary(facts, text)

    # Contacts, date, third parties and rights: every gold item found (recall 1.0).
    found = {
        "emails": {e["address"].lower() for e in summary["emails"]},
        "phones": {digits(p["number"]) for p in summary["phones"]},
        "third_parties": {t["name"] for t in summary["third_parties"]},
        "rights": {r["right"] for r in summary["rights"]},
    }
    expected = {
        "emails": {e.lower() for e in gold["emails"]},
        "phones": set(gold["phones"]),
        "third_parties": set(gold["third_parties"]),
        "rights": set(gold["rights"]),
    }
    addresses = [a["text"] for a in summary["addresses"]]
    address_hits = {
        a["postcode"] for a in gold["addresses"] if any(a["postcode"] in t for t in addresses)
    }
    gold_postcodes = {a["postcode"] for a in gold["addresses"]}
    for key in found:
        recall, _ = score(expected[key], found[key])
        assert recall == 1.0, (key, expected[key] - found[key])
    assert address_hits == gold_postcodes
    assert summary["last_updated"] == gold["last_updated"]
    assert gold["organization"].lower() in (summary["organization"] or "").lower()

    # Precision over the same kinds together.
    all_found = sum(len(v) for v in found.values()) + len(addresses)
    all_right = sum(len(expected[k] & found[k]) for k in found) + len(address_hits)
    precision = all_right / all_found if all_found else 1.0
    print(f"{name}: precision {precision:.2f} ({all_right}/{all_found})")
    assert precision >= 0.9

    # Stances and periods.
    assert summary["sells_data"] == gold["sells_data"]
    assert summary["dnt"] == gold["dnt"]
    if gold["children"]:
        for key, value in gold["children"].items():
            assert summary["children"][key] == value, key
    countries = {c for t in summary["transfers"] for c in t["countries"]}
    assert countries == set(gold["transfer_countries"])
    for safeguard in gold.get("transfer_safeguards", []):
        assert any(safeguard in t["safeguards"] for t in summary["transfers"])
    periods = sorted(r["period_days"] for r in summary["retention"] if r["period_days"])
    assert periods == sorted(gold["retention_days"])
    if gold.get("retention_vague"):
        assert any(r["vague"] for r in summary["retention"])
    forms = [f for f in facts if f.kind == "contact_form"]
    assert len(forms) == gold["contact_forms"]


# --- misreadings found on the bundled samples (short strings of our own) -----------------------


def test_we_have_sold_or_shared_is_an_affirmative_sale():
    text = "We have sold or shared identifiers and inferences with advertising networks."
    assert values(text, "sale") == [{"sells": True, "negated": False}]


def test_do_not_sell_link_title_and_url_are_no_sale_statement():
    text = (
        "Use the “Do Not Sell or Share My Personal Information” page at "
        "games.example.net/do-not-sell to opt out."
    )
    assert values(text, "sale") == []


def test_superseded_notice_date_is_not_the_policy_date():
    text = (
        "Last updated: 12 February 2025. This version replaces the notice dated 30 September 2023."
    )
    assert [v["date"] for v in values(text, "last_updated")] == ["2025-02-12"]
    assert find_last_updated("This notice supersedes the policy effective 1 May 2019.") is None
    assert find_last_updated("The previous version, dated March 1, 2020, is archived here.") is None
    kept = "This policy replaces all prior versions and is effective as of May 1, 2020."
    assert find_last_updated(kept)[0] == datetime.date(2020, 5, 1)


def test_privacy_shield_certification_is_a_transfer_safeguard():
    text = (
        "Our provider stores account data on servers in the United States and is certified "
        "under the EU-U.S. Privacy Shield Framework."
    )
    [value] = values(text, "transfer")
    assert "privacy_shield" in value["safeguards"] and value["countries"] == ["United States"]
    alone = "Our vendor is certified under the EU-U.S. Privacy Shield."
    [value] = values(alone, "transfer")
    assert value["safeguards"] == ["privacy_shield"] and value["outside"] == "US"


def test_authority_named_without_a_complaint_is_no_complaint_right():
    text = "BrightLearn asks schools for consent, as the Federal Trade Commission allows."
    assert all(v["right"] != "complaint_authority" for v in values(text, "right"))
    text = "You may lodge a complaint with the Federal Trade Commission."
    assert {v["right"] for v in values(text, "right")} == {"complaint_authority"}


def test_cue_gating_matches_ungated_extraction():
    """The per-clause cue masks only skip work: the same facts come out with every bit set."""
    from policies.extraction.facts import cues, extract as extract_module

    text = (
        "Acme Privacy Policy\nLast updated: March 3, 2021\nWe collect your name, email address "
        "and IP address using cookies.\nWe never sell your personal data.\nYou may request "
        "deletion by e-mail at privacy@acme.io or call 1-800-555-0199.\nWe keep logs for 90 days."
    )
    clauses = line_clauses(text)
    gated = extract_facts(text, clauses)
    original = extract_module._clause_masks
    extract_module._clause_masks = lambda _text, ordered: [cues.ALL] * len(ordered)
    try:
        ungated = extract_facts(text, clauses)
    finally:
        extract_module._clause_masks = original
    assert gated == ungated and len(gated) > 10


# --- anchored regexes (anchors.py): same matches as re, found faster -----------------------------


def test_heads_are_the_literals_every_match_starts_with():
    from policies.extraction.facts import anchors

    heads = anchors.derive_heads(r"\b(?:(?:full |first )?names?|e-?mail address)", re.IGNORECASE)
    assert heads == ("e-mail a", "email ad", "first na", "full nam", "name")  # 8 chars at most
    assert anchors.derive_heads(r"(?P<d>[0-3]?\d)(?:st|nd)?") == tuple("0123456789")
    assert anchors.derive_heads(r"\w+@\w+") is None  # no literal head
    assert anchors.derive_heads(r"(?:may)?") is None  # can match the empty string
    assert anchors.derive_heads(r"^\s*contents|following:")[0] == anchors._START


# Texts that trip naive literal scanning: IGNORECASE folds (Kelvin sign, long s, dotless i),
# non-ASCII digits and spaces, upper case, and text before/after the search window.
_TRICKY_TEXTS = (
    "Contact us: Name, E-MAIL ADDRESS, first name and \u212aelvin e-maıl addreſs.",
    "Call\u2003+1\xa0(800)\u2009555-0100 or 1 800 555 0199; last updated ١٢/٣/٢٠٢٠ or 2020-01-02.",
    "Table of contents\nWe may share data. The following: topics\nnames of the firm, usernames éname",
)
_TRICKY_PATTERNS = (
    (r"\b(?:(?:full |first |last |your )?names?\b(?! of (?:the|our|a) )|e-?mail address)", re.I),
    (r"(?<![\w.+/-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]\d{4}", 0),
    (r"(?P<y>(?:19|20)\d\d)[-/.](?P<m>[01]?\d)|\b(?P<a>[0-3]?\d)/", re.I),
    (r"^\s*(?:table\s+of\s+contents|contents)|following\s*:", re.I),
    (r"\bmay\b|\bMay\b(?=\s+[a-z])", 0),
    (r"kelvin|long|dotless|ss\b", re.I),
    (r"\bnames?\b|\bfirst", re.ASCII),  # an ASCII \b is a boundary inside "éname"
)


@pytest.mark.parametrize(("source", "flags"), _TRICKY_PATTERNS)
def test_anchored_pattern_matches_like_re(source, flags):
    from policies.extraction.facts import anchors

    anchored, plain = anchors.compile(source, flags), re.compile(source, flags)
    assert isinstance(anchored, anchors.AnchoredPattern)

    def spans(matches):
        return [(m.span(), m.groups()) for m in matches]

    for text in _TRICKY_TEXTS + tuple(t.upper() for t in _TRICKY_TEXTS):
        assert spans(anchored.finditer(text)) == spans(plain.finditer(text))
        for pos in range(0, len(text), 7):
            for end in (pos + 20, pos + 90, len(text)):
                a, p = anchored.search(text, pos, end), plain.search(text, pos, end)
                assert (a and (a.span(), a.groups())) == (p and (p.span(), p.groups()))


def test_every_anchored_fact_pattern_matches_like_re():
    """Each pattern of the extractors gives re's own matches on a real policy (both cases)."""
    from policies.extraction.facts import (
        anchors,
        audiences,
        contacts,
        dates,
        hedges,
        practices,
        rights,
        sentences,
        structure,
        vocabulary,
    )
    from policies.extraction.facts.prefilter import Guarded

    found: list[anchors.AnchoredPattern] = []

    def collect(value):
        if isinstance(value, Guarded):
            value = value.pattern
        if isinstance(value, anchors.AnchoredPattern):
            found.append(value)
        elif isinstance(value, vocabulary.KeywordTable):
            collect([g for _label, g in value.patterns])
        elif isinstance(value, tuple | list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            collect(list(value.values()))

    for module in (audiences, contacts, dates, hedges, practices, rights, sentences, structure,
                   vocabulary):  # fmt: skip
        collect(list(vars(module).values()))
    assert len(found) > 150
    text = (BUNDLED / "brightboard-learning.md").read_text(encoding="utf-8")[:12000]
    for pattern in found:
        for t in (text, text.lower()):
            got = [(m.span(), m.groups()) for m in pattern.finditer(t)]
            assert got == [(m.span(), m.groups()) for m in pattern.plain.finditer(t)], (
                pattern.pattern
            )


def test_keyword_table_first_is_finditer_then_accept():
    """One head scan for all labels gives each label the match its own finditer would."""
    from policies.extraction.facts.vocabulary import DATA_CATEGORY_WORDS

    text = (
        "we collect your full name, user name, e-mail address, ip addresses, device identifiers, "
        "payment card data, precise location, browsing history and photos you upload."
    )
    accept = lambda label, m: not m.group(0).startswith("full")  # noqa: E731
    expected = []
    for label, pattern in DATA_CATEGORY_WORDS.patterns:
        m = next((m for m in pattern.pattern.plain.finditer(text) if accept(label, m)), None)
        if m is not None:
            expected.append((label, m.span()))
    got = [(label, m.span()) for label, m in DATA_CATEGORY_WORDS.first(text, -1, accept)]
    assert got == expected and len(got) >= 6


# --- bundled samples (policies/samples/): key facts per sample -----------------------------------

BUNDLED = Path(__file__).resolve().parents[2] / "policies" / "samples"


def bundled_summary(filename: str) -> tuple[list[Fact], dict]:
    from policies.extraction.readers import read_document
    from policies.extraction.segment import segment

    path = BUNDLED / filename
    read = read_document(path.read_bytes(), path.name)
    seg = segment(read.text, read.blocks)
    clauses = [
        ClauseInput(
            id=s.order, order=s.order, start=s.start, end=s.end,
            text=read.text[s.start : s.end], kind=s.kind, heading_path=s.heading_path,
        )
        for s in seg.clauses
    ]  # fmt: skip
    facts = extract_facts(read.text, clauses)
    assert_evidence(facts, clauses)
    return facts, facts_summary(facts, read.text)


def test_bundled_brightboard():
    facts, summary = bundled_summary("brightboard-learning.md")
    assert summary["organization"] == "BrightBoard Learning Inc."
    assert summary["last_updated"] == "2025-03-03"
    assert summary["sells_data"] is False and summary["dnt"] == "honors"
    assert summary["children"]["consent"] == "school"
    assert "complaint_authority" not in {r["right"] for r in summary["rights"]}
    assert {30, 60} <= {r["period_days"] for r in summary["retention"]}


def test_bundled_northwind():
    facts, summary = bundled_summary("northwind-meetings.html")
    assert summary["organization"] == "Northwind Meetings Inc."
    assert [f.value["date"] for f in facts if f.kind == "last_updated"] == ["2025-02-12"]
    assert summary["sells_data"] is False
    assert "complaint_authority" in {r["right"] for r in summary["rights"]}
    assert any("scc" in t["safeguards"] for t in summary["transfers"])
    assert any(f.kind == "eu_representative" for f in facts)


def test_bundled_pebble():
    _facts, summary = bundled_summary("pebble-games.txt")
    assert summary["organization"] == "Pebble Games LLC"
    assert summary["sells_data"] is True and summary["shares_for_ads"] is True
    assert summary["dnt"] == "does_not_honor"
    assert "complaint_authority" not in {r["right"] for r in summary["rights"]}


def test_bundled_harbor():
    _facts, summary = bundled_summary("harbor-health-portal.docx")
    assert summary["last_updated"] is None
    assert summary["dnt"] is None and summary["retention"] == []


def test_bundled_cedar():
    _facts, summary = bundled_summary("cedar-library-archive.pdf")
    assert summary["last_updated"] == "2017-06-04"  # not the 2019 archive banner
    assert any("privacy_shield" in t["safeguards"] for t in summary["transfers"])
    assert summary["dnt"] is None


def test_bundled_sunrise():
    _facts, summary = bundled_summary("sunrise-coffee.txt")
    assert summary["organization"] == "Sunrise Coffee Roasters Inc."
    assert summary["last_updated"] == "2014-04-02"
    assert summary["dnt"] is None


def test_third_party_with_regex_folded_letters():
    """IGNORECASE matches a dotless i or a long s to an ASCII letter; the name must still resolve
    (it used to raise KeyError and fail the whole extraction)."""
    text = "We share usage data with Google Analyt\u0131cs and with Facebook Pixel to measure ads.\n"
    assert {"Google Analytics"} <= {v["name"] for v in values(text, "third_party")}
    assert values("We use Google Analytics.\n", "third_party") == [{"name": "Google Analytics"}]
