"""Tests for the compliance check engine (reviews.checks): unit tests per rule family on short
synthetic texts, the look-alikes that must not count, and agreement with the gold readings."""

from __future__ import annotations

import re

from policies.extraction.document import HEADING, PARAGRAPH, ClauseInput

_HEADING_LINE = re.compile(r"^[^.!?]{1,60}[:?]?$")


def simple_clauses(text: str, categories: dict[int, dict[str, float]] | None = None):
    """A development-only clause split: one clause per non-empty line; short lines without a
    full stop become headings for the lines below them."""
    clauses, heading, pos = [], "", 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        offset = start + line.index(stripped)
        is_heading = bool(_HEADING_LINE.match(stripped)) and len(stripped.split()) <= 8
        order = len(clauses)
        clauses.append(
            ClauseInput(
                id=order,
                order=order,
                start=offset,
                end=offset + len(stripped),
                text=stripped,
                kind=HEADING if is_heading else PARAGRAPH,
                heading="" if is_heading else heading,
                heading_path=() if is_heading or not heading else (heading,),
                categories=(categories or {}).get(order, {}),
            )
        )
        if is_heading:
            heading = stripped
    return clauses


# --- agreement with the gold readings ----------------------------------------------------------
import contextlib  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from reviews.catalogue import load_catalogue  # noqa: E402
from reviews.checks import evaluate  # noqa: E402
from reviews.scope import Scope, detect_scope  # noqa: E402

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "samples" / "policies"
GOLD = Path(__file__).resolve().parents[1] / "gold" / "compliance"
SAMPLE_NAMES = ("impartus", "classtime", "upart", "informetric", "anymeeting")


def _pipeline(text_path: Path):
    """The real pure pipeline, or our development split when COMPLIANCE_SIMPLE_SPLIT=1."""
    if os.environ.get("COMPLIANCE_SIMPLE_SPLIT") == "1":
        text = text_path.read_text(encoding="utf-8")
        return text, simple_clauses(text), []
    try:
        from policies.extraction import classify, facts, readers, segment
        from policies.extraction.pipeline import classify_clauses, clause_inputs
    except (ImportError, SyntaxError) as exc:  # pragma: no cover - other stages in progress
        pytest.skip(
            f"pipeline stages not available yet ({exc}); "
            "set COMPLIANCE_SIMPLE_SPLIT=1 to use the development split"
        )
    read = readers.read_document(text_path.read_bytes(), text_path.name)
    seg = segment.segment(read.text, read.blocks)
    clauses = clause_inputs(read.text, seg)
    # Without a trained model in this checkout the rules still run on the text alone.
    with contextlib.suppress(FileNotFoundError):
        clauses = classify_clauses(clauses, classify.load_default())
    return read.text, clauses, facts.extract_facts(read.text, clauses)


def agreement_report():
    """Run every sample through the pipeline and compare with the gold; returns the figures."""
    catalogue = load_catalogue()
    rows, scope_rows = [], []
    for name in SAMPLE_NAMES:
        gold = yaml.safe_load((GOLD / f"{name}.yaml").read_text(encoding="utf-8"))
        text, clauses, found_facts = _pipeline(SAMPLES / f"{name}.txt")
        detected = detect_scope(text, clauses, found_facts)
        for code, decision in gold["scope"].items():
            scope_rows.append((name, code, decision["applies"], detected.applies(code)))
        chosen = [code for code, d in gold["scope"].items() if d["applies"]]
        scope = Scope.forced(chosen, detected=detected)
        verdicts = {
            v.requirement_id: v for v in evaluate(catalogue, clauses, found_facts, scope, text)
        }
        for rid, item in gold["items"].items():
            got = verdicts[rid].status if rid in verdicts else "absent"
            rows.append((name, rid, rid.split("-")[0], item["status"], got, item["clear"]))
    return rows, scope_rows


def _figures(rows):
    def agree(sel):
        return sum(g == e for *_, g, e, _c in sel) / len(sel) if sel else 1.0

    clear = [r for r in rows if r[5]]
    tp = sum(r[3] == "missing" and r[4] == "missing" for r in rows)
    fp = sum(r[3] != "missing" and r[4] == "missing" for r in rows)
    fn = sum(r[3] == "missing" and r[4] != "missing" for r in rows)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return agree(rows), agree(clear), precision, recall


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared sample policies not present")
def test_agreement_with_gold_readings():
    rows, scope_rows = agreement_report()
    overall, clear, precision, recall = _figures(rows)
    print()
    for reg in sorted({r[2] for r in rows}):
        sel = [r for r in rows if r[2] == reg]
        print(f"  {reg:8} items={len(sel):3} agreement={_figures(sel)[0]:.0%}")
    scope_ok = sum(g == d for *_, g, d in scope_rows) / len(scope_rows)
    print(
        f"  overall={overall:.1%} clear-cut={clear:.1%} missing precision={precision:.2f} "
        f"recall={recall:.2f} scope agreement={scope_ok:.0%}"
    )
    for name, rid, _reg, want, got, is_clear in rows:
        if want != got:
            print(f"  DISAGREE {name:12} {rid:38} gold={want:14} engine={got} clear={is_clear}")
    assert clear >= 0.90
    assert overall >= 0.80
    assert precision >= 0.93
    assert recall >= 0.90


# --- unit tests on short synthetic policies (our own text) ------------------------------------
from reviews.checks import ENGINE_VERSION, Verdict  # noqa: E402
from reviews.checks.index import detect_toc  # noqa: E402

CATALOGUE = load_catalogue()


def run(text: str, regulations=None, facts=()):
    clauses = simple_clauses(text)
    detected = detect_scope(text, clauses, list(facts))
    scope = Scope.forced(regulations, detected=detected) if regulations else detected
    return {v.requirement_id: v for v in evaluate(CATALOGUE, clauses, list(facts), scope, text)}


def status(text: str, rid: str, regulations=None) -> str:
    regulations = regulations or [rid.split("-")[0]]
    return run(text, regulations)[rid].status


GOOD_GDPR = """Acme Widgets Ltd is the data controller. Write to us at privacy@acme.example.
How we use data
We use your data to provide the service and to send invoices.
We process data on the basis of contract and our legitimate interests in preventing fraud.
We keep account data for 24 months after the account is closed.
You have the right of access, rectification, erasure, restriction, portability and the right to object.
You may lodge a complaint with your supervisory authority.
"""


def test_verdict_shape_and_version():
    verdicts = run(GOOD_GDPR, ["gdpr"])
    assert ENGINE_VERSION
    assert {v.regulation for v in verdicts.values()} == {"gdpr"}
    assert len(verdicts) == sum(1 for s in CATALOGUE if s.regulation == "gdpr")
    v = verdicts["gdpr-13-2-a"]
    assert isinstance(v, Verdict) and v.status == "satisfied" and v.evidence
    assert 0 <= v.confidence <= 1
    ev = v.evidence[0]
    assert "24 months" in GOOD_GDPR[ev.start : ev.end] or ev.start < ev.end


def test_out_of_scope_regulations_get_no_verdicts():
    verdicts = run(GOOD_GDPR, ["gdpr"])
    assert not any(rid.startswith("ccpa") for rid in verdicts)


def test_gdpr_family_satisfied():
    verdicts = run(GOOD_GDPR, ["gdpr"])
    for rid in (
        "gdpr-13-1-a",
        "gdpr-13-1-c-purposes",
        "gdpr-13-1-c-legal-basis",
        "gdpr-13-1-d",
        "gdpr-13-2-b",
        "gdpr-13-2-d",
    ):
        assert verdicts[rid].status == "satisfied", (rid, verdicts[rid].rationale)


def test_not_applicable_has_reason():
    verdicts = run(GOOD_GDPR, ["gdpr"])
    v = verdicts["gdpr-13-1-b"]  # no DPO anywhere
    assert v.status == "not_applicable" and "data protection officer" in v.rationale


def test_retention_vague_is_partial_and_absent_is_missing():
    vague = "Acme Inc. collects your name.\nWe retain your data for as long as necessary.\n"
    assert status(vague, "gdpr-13-2-a") == "partial"
    assert status("Acme Inc. collects your name and e-mail address.\n", "gdpr-13-2-a") == "missing"


def test_processor_retention_is_not_the_owners():
    text = "We use a card processor. These third parties do not retain your data for 30 days.\n"
    assert status(text, "gdpr-13-2-a") == "missing"


def test_rights_partial_names_what_is_missing():
    text = "You may access and delete your personal data.\n"
    v = run(text, ["gdpr"])["gdpr-13-2-b"]
    assert v.status == "partial" and "objection" in v.rationale


def test_complaint_to_company_only_is_missing():
    text = "Complaints\nIf you are unhappy, please complain to us at help@acme.example.\n"
    v = run(text, ["gdpr"])["gdpr-13-2-d"]
    assert v.status == "missing" and "company" in v.rationale


def test_table_of_contents_is_not_evidence():
    text = (
        "Read more about the following:\nHow to access and change your account information.\n"
        "How long we keep data.\nHow to contact us.\n"
        "Registration\nWe collect your name and e-mail address when you register an account "
        "with the service so that we can run it for you.\n"
    )
    clauses = simple_clauses(text)
    assert {1, 2, 3} <= set(detect_toc(clauses))
    assert status(text, "caloppa-22575-b-2", ["caloppa"]) == "missing"
    assert status(text, "gdpr-13-2-a", ["gdpr"]) == "missing"


def test_toc_fact_is_respected():
    from policies.extraction.document import Fact

    text = "We keep data for 2 years.\n"
    fact = Fact("table_of_contents", {"entries": ["x"]}, 0, 0, len(text) - 1)
    clauses = simple_clauses(text)
    scope = Scope.forced(["gdpr"], detected=detect_scope(text, clauses, [fact]))
    verdicts = {v.requirement_id: v for v in evaluate(CATALOGUE, clauses, [fact], scope, text)}
    assert verdicts["gdpr-13-2-a"].status == "missing"


def test_archive_date_is_not_policy_date():
    text = (
        "This text was archived on 2019-08-28 from the web.\nAcme Inc. collects your e-mail "
        "address.\n"
    )
    v = run(text, ["caloppa"])["caloppa-22575-b-4"]
    assert v.status == "missing" and "archive" in v.rationale
    dated = "Last updated: March 3, 2024\nAcme Inc. collects your e-mail address.\n"
    assert status(dated, "caloppa-22575-b-4", ["caloppa"]) == "satisfied"


def test_contact_below_without_details_is_not_contact():
    text = "Contact\nIf you have questions, contact us using the information below.\n"
    assert status(text, "ccpa-contact-for-questions", ["ccpa"]) in ("missing", "partial")
    assert (
        status(text + "Write to help@acme.example.\n", "ccpa-contact-for-questions", ["ccpa"])
        == "satisfied"
    )
    assert status("We collect your name.\n", "ccpa-contact-for-questions", ["ccpa"]) == "missing"


def test_do_not_sell_alone_does_not_meet_sold_shared():
    assert status("We do not sell your personal information.\n", "ccpa-sold-shared") == "partial"
    assert (
        status("We never sell your data for marketing purposes.\n", "ccpa-sold-shared") == "partial"
    )
    full = (
        "We have not sold or shared personal information for cross-context behavioral "
        "advertising in the preceding 12 months.\n"
    )
    assert status(full, "ccpa-sold-shared") == "satisfied"
    assert status("We collect your e-mail.\n", "ccpa-sold-shared") == "missing"


def test_asset_sale_is_not_a_data_sale():
    text = "We may sell some or all of our assets in a merger.\n"
    assert status(text, "ccpa-sold-shared") == "missing"


def test_dnt_is_not_gpc():
    text = (
        "We use Google Analytics cookies.\nWe do not respond to Do Not Track signals.\n"
        "We sell data to advertisers who use their own cookies to track you.\n"
    )
    verdicts = run(text, ["ccpa", "caloppa"])
    assert verdicts["caloppa-22575-b-5"].status == "satisfied"
    gpc = verdicts["ccpa-opt-out-preference-signal"]
    assert gpc.status == "missing" and "Do Not Track" in gpc.rationale
    honours = text + "We honor Global Privacy Control signals as a request to opt out.\n"
    assert status(honours, "ccpa-opt-out-preference-signal", ["ccpa"]) == "satisfied"


def test_shine_the_light_is_not_right_to_know():
    text = (
        "Under California Civil Code 1798.83, California residents may request a notice of "
        "information shared with third parties for their direct marketing purposes.\n"
    )
    v = run(text, ["ccpa"])["ccpa-right-to-know"]
    assert v.status == "missing" and "Shine the Light" in v.rationale


def test_gdpr_access_only_partly_meets_right_to_know():
    assert (
        status("You have the right to access your personal data.\n", "ccpa-right-to-know")
        == "partial"
    )
    assert (
        status(
            "You have the right to know the specific pieces of personal information we hold.\n",
            "ccpa-right-to-know",
        )
        == "satisfied"
    )


def test_ccpa_rights_and_requests():
    text = (
        "You have the right to delete and to correct inaccurate information. We will not "
        "discriminate against you for exercising your rights.\nTo exercise your rights, "
        "call 1-800-555-0100 or e-mail rights@acme.example.\nWe verify your identity by "
        "matching your e-mail.\nAn authorized agent may submit a request with your signed "
        "permission.\n"
    )
    verdicts = run(text, ["ccpa"])
    for rid in (
        "ccpa-right-to-delete",
        "ccpa-right-to-correct",
        "ccpa-non-discrimination",
        "ccpa-request-methods",
        "ccpa-verification-process",
        "ccpa-authorized-agent",
    ):
        assert verdicts[rid].status == "satisfied", (rid, verdicts[rid].rationale)
    email_only = "To exercise your rights, e-mail rights@acme.example.\n"
    assert status(email_only, "ccpa-request-methods") == "partial"


def test_opt_out_conditions():
    no_sale = "We collect your e-mail to run the service.\n"
    assert status(no_sale, "ccpa-right-to-opt-out") == "not_applicable"
    pixel = "We use the Facebook Pixel for advertising.\n"
    assert status(pixel, "ccpa-right-to-opt-out") == "missing"
    link = pixel + "Use the Do Not Sell or Share My Personal Information link to opt out.\n"
    assert status(link, "ccpa-right-to-opt-out") == "satisfied"


def test_negation_of_sale_for_sopipa():
    assert (
        status("We do not rent or sell your personal data.\n", "sopipa-22584-b-3-no-sale")
        == "satisfied"
    )
    assert (
        status("We will never sell your data for marketing purposes.\n", "sopipa-22584-b-3-no-sale")
        == "partial"
    )
    assert status("We sell your data to partners.\n", "sopipa-22584-b-3-no-sale") == "missing"


def test_coppa_family():
    text = (
        "Children's Privacy\nOur app is designed for children under 13 with verifiable "
        "parental consent.\nWe collect a child's first name and e-mail address to run the "
        "game and use it to save progress.\nParents may review, have deleted and refuse "
        "further collection of their child's information by writing to kids@acme.example.\n"
        "Acme Games Inc., 1 Main Street, Springfield, IL 62701, +1 217 555 0100.\n"
    )
    verdicts = run(text)
    assert "coppa" in {v.regulation for v in verdicts.values()}
    assert verdicts["coppa-312-4-d-1"].status == "satisfied"
    assert verdicts["coppa-312-4-d-2-collection"].status == "satisfied"
    assert verdicts["coppa-312-4-d-3-parental-rights"].status == "satisfied"
    assert verdicts["coppa-312-4-d-audio"].status == "not_applicable"


def test_ferpa_and_sopipa_families():
    text = (
        "Schools use our K-12 platform with students.\nWe act as a school official with a "
        "legitimate educational interest under the direct control of the school.\nWe use "
        "student data only for educational purposes and will not redisclose it.\nParents "
        "should contact your school to inspect or amend records.\nWe never use student data "
        "for targeted advertising and we do not build profiles of students.\nWe delete "
        "student data at the request of the school.\n"
    )
    verdicts = run(text)
    for rid in (
        "ferpa-99-31-a-1-school-official",
        "ferpa-99-33-a-use-redisclosure",
        "ferpa-99-10-rights-via-school",
        "sopipa-22584-b-1-no-targeted-ads",
        "sopipa-22584-b-2-no-profiling",
        "sopipa-22584-d-2-deletion-on-request",
    ):
        assert verdicts[rid].status == "satisfied", (rid, verdicts[rid].rationale)
    bare = "Schools use our K-12 platform with students.\n"
    assert run(bare)["sopipa-22584-b-1-no-targeted-ads"].status == "missing"


def test_caloppa_alternative_link_meets_dnt():
    text = (
        "Third-party advertising companies use cookies on our site.\nTo opt out, visit "
        "https://optout.aboutads.info.\n"
    )
    verdicts = run(text, ["caloppa"])
    assert verdicts["caloppa-22575-b-7"].status == "satisfied"
    assert verdicts["caloppa-22575-b-5"].status == "satisfied"
    assert "alternative" in verdicts["caloppa-22575-b-5"].rationale


def test_generic_rule_for_internal_requirement():
    from reviews.catalogue import RequirementSpec

    internal = RequirementSpec(
        id="internal-ai",
        regulation="gdpr",
        citation="internal",
        title="AI training",
        must_disclose="Whether data train AI models.",
        applies_when="always",
        condition="always",
        kind="disclosure",
        cues=("train our models", "machine learning"),
        check="",
    )
    text = "We do not use your content to train our models.\nWe use machine learning for spam.\n"
    clauses = simple_clauses(text)
    scope = Scope.forced(["gdpr"])
    (verdict,) = evaluate([internal], clauses, [], scope, text)
    assert verdict.status == "satisfied" and verdict.confidence <= 0.5
    (none,) = evaluate([internal], simple_clauses("Hello.\n"), [], scope, "Hello.\n")
    assert none.status == "missing"


def test_missing_rationale_names_considered_clauses():
    text = "Retention\nWe care about your data and retention matters to us.\n"
    v = run(text, ["gdpr"])["gdpr-13-2-a"]
    assert v.status in ("missing", "partial")
    assert v.considered


def test_speed_of_a_long_policy():
    import time

    text = (GOOD_GDPR * 40)[:60000]
    clauses = simple_clauses(text)
    scope = Scope.forced(["gdpr", "ccpa", "caloppa", "coppa"])
    evaluate(CATALOGUE, clauses, [], scope, text)  # warm the regex cache
    start = time.perf_counter()
    evaluate(CATALOGUE, clauses, [], scope, text)
    assert time.perf_counter() - start < 2.0  # generous bound; the benchmark prints real figures


def test_has_contact():
    from reviews.checks import build_index, has_contact

    for text, expected in (
        ("Write to us at help@acme.example.\n", True),
        ("Contact us using the details below.\n", False),
    ):
        assert has_contact(build_index(text, simple_clauses(text), [])) is expected


# --- literal gates: the fast path must find exactly what a whole-text scan finds ----------------
from reviews.checks import patterns as P  # noqa: E402
from reviews.checks.index import build_index, rx  # noqa: E402
from reviews.checks.literals import gate_words  # noqa: E402


def test_gate_words_are_read_off_the_pattern():
    assert gate_words(rx(r"standard contractual clauses|Privacy Shield")) == frozenset(
        {"contractual", "privacy"}
    )
    assert gate_words(rx(r"encrypt\w*|\bTLS\b")) == frozenset({"encrypt", "tls"})
    # No literal every match must hold: no gate, the pattern runs on every clause.
    assert gate_words(P.EMAIL) is None


def test_gated_search_equals_whole_text_scan():
    text = (
        "We use Google Analytics.\nContact privacy@example.com or call 1-800-555-0100.\n"
        "Transfers OUTSIDE the EEA use Standard Contractual Clauses.\n"
        "We do not SELL your personal information.\nLast updated: March 3, 2025\n"
        "Wir verarbeiten Daten (\u0131\u017f test) in der EU."
    )
    index = build_index(text, simple_clauses(text), [])
    for pattern in (P.TRANSFER, P.GDPR_STRONG, P.SELLS, P.EMAIL, P.LAST_UPDATED, P.TOLL_FREE):
        whole = [m.span() for m in pattern.finditer(text)]
        assert [(h.start, h.end) for h in index.search(pattern, include_toc=True)] == whole
        assert all(text[h.start : h.end] == h.text for h in index.search(pattern))


# --- literal requirements, lazy hits, cue clause sets ---------------------------------------------
from reviews.checks import rules_general as G, rules_us as U  # noqa: E402
from reviews.checks.index import LazyHits, lowered  # noqa: E402
from reviews.checks.literals import TokenIndex, literal_need, may_start_with_newline  # noqa: E402


def test_literal_need_marks_how_words_sit_in_tokens():
    assert literal_need(lowered(rx(r"\bEU\b"))) == ("exact", "eu")
    assert literal_need(lowered(rx(r"supervisory authority"))) == (
        "and",
        [("suffix", "supervisory"), ("prefix", "authority")],
    )
    assert literal_need(P.EMAIL) == ("char", "@")
    tokens = TokenIndex(["The EU", "a queue", "Supervisory authorities", "call 555 1234"])
    assert tokens.evaluate(literal_need(lowered(rx(r"\bEU\b")))) == 0b0001
    assert tokens.evaluate(literal_need(lowered(rx(r"supervisory authorit")))) == 0b0100
    assert tokens.evaluate(literal_need(lowered(P.PHONE))) == 0b1000


def test_patterns_that_may_start_in_a_separator_keep_the_gate_windows():
    assert may_start_with_newline(rx(r"\s+foo"))
    assert may_start_with_newline(rx(r"[^.]{0,5}bar"))
    assert not may_start_with_newline(lowered(P.GDPR_STRONG))


_ALL_PATTERNS = (
    [
        v
        for module in (P, G, U)
        for v in vars(module).values()
        if isinstance(v, re.Pattern) and not v.pattern.startswith("(?P")
    ]
    + list(G.RIGHTS.values())
    + list(G.RECIPIENT_CATEGORIES.values())
)


def test_literal_needs_never_drop_a_clause_that_matches():
    text = (
        "Our EU representative: Acme Ltd, 12 Main Street, Dublin. E-mail dpo@acme.example.\n"
        "We share personal information with service providers and law enforcement.\n"
        "You may request access to your personal data, or its erasure (right to be forgotten).\n"
        "Do Not Sell My Personal Information; we do not sell data of consumers under 16.\n"
        "Children under 13: verifiable parental consent from the parent is required.\n"
        "We retain data for 30 days, then delete it. Last updated: 3 March 2025.\n"
        "Daten\u00a0werden \u00fcbertragen; d\u2019acc\u00e8s outside the EEA via standard "
        "contractual clauses."
    )
    index = build_index(text, simple_clauses(text), [])
    tokens = TokenIndex([c.text for c in index.clauses])
    for pattern in _ALL_PATTERNS:
        low = lowered(pattern)
        bits = tokens.evaluate(literal_need(low))
        for pos, clause in enumerate(index.clauses):
            if low.search(clause.text.lower()):
                assert bits is None or bits >> pos & 1, (pattern.pattern, clause.text)


def test_lazy_hits_read_only_what_is_used():
    pulled = []

    def source():
        for i in range(10):
            pulled.append(i)
            yield i

    hits = LazyHits(source())
    assert hits[:2] == [0, 1] and len(pulled) == 2
    assert hits and hits[0] == 0 and len(pulled) == 2
    assert [0] + hits == [0, *range(10)] and len(hits) == 10


def test_cue_clause_sets_equal_the_clauses_of_the_hits():
    text = (
        "How we use your data.\nWe use your data for the following purposes: billing.\n"
        "Nothing here.\nThird parties may use cookies; how we use cookies is below."
    )
    index = build_index(text, simple_clauses(text), [])
    for cue in (r"\bhow\s+we\s+use\b|\bwe\s+use\s+your\b", r"\bcookies\b", r"\babsent\b"):
        pattern = rx(cue)
        expected = list({h.clause.id: h.clause for h in index.search(pattern)}.values())
        fresh = build_index(text, simple_clauses(text), [])
        assert fresh.clauses_matching(pattern) == expected


# --- match anchors, counting kinds ---------------------------------------------------------------
from reviews.checks.literals import match_anchors, match_plan  # noqa: E402
from reviews.checks.outcome import distinct_at_least  # noqa: E402


def test_match_anchors_are_the_literals_every_match_starts_with():
    assert match_anchors(lowered(rx(r"\bDo\s+Not\s+Track\b|\bDNT\b"))) == ("do", "dnt")
    assert set(match_anchors(lowered(rx(r"(?:use and )?benefit|(?:phone|mobile) numbers?")))) == {
        "use and ",
        "benefit",
        "phone",
        "mobile",
    }
    # A longer anchor starting with a kept one adds no positions.
    assert match_anchors(lowered(rx(r"data|database"))) == ("data",)
    # Something other than a literal may start a match: no anchors, the plain scan runs.
    assert match_anchors(lowered(rx(r"\b[A-Z]{2} \d{5}|Canada"))) is None
    assert match_anchors(lowered(rx(r"(?:the )?"))) is None
    # With IGNORECASE a literal matches other characters too (non-ASCII patterns keep it).
    assert match_anchors(rx(r"canada")) is None
    assert match_anchors(re.compile(r"(?i:abc)|def")) is None
    assert match_anchors(re.compile(r"x(?i:abc)")) == ("x",)


def test_match_plan_adds_a_lookahead_for_unanchored_alternatives():
    anchors, others = match_plan(lowered(rx(r"\bCanada\b|\b[A-Z]{2} \d{5}\b")))
    assert anchors == ("canada",)
    assert [m.start() for m in others.finditer("in ca 94105 or canada")] == [3]
    # Group numbers would change if alternatives were compiled apart.
    assert match_plan(re.compile(r"(a)b|[a-z]\1")) is None


def test_anchored_matching_equals_finditer():
    text = (
        "Do not track: we honour DNT. Children under 13 and kids under 13 need consent.\n"
        "Do  Not Track signals; do not-track; the EEA, the EU and the UK GDPR apply.\n"
        "Personal data, personal information and personally identifiable data are kept.\n"
        "Our K-12 and high school users. Acme Inc. in the United States and Canada.\n"
        "We may use your data to provide the service, for billing and in order to help."
    )
    index = build_index(text, simple_clauses(text), [])
    scanned = index._lower_joined
    windows = [(0, len(scanned)), (5, 60), (61, 200)]
    for pattern in _ALL_PATTERNS + [rx(r"\bDo\s+Not\s+Track\b|\bDNT\b"), rx(r"under 13|under")]:
        low = lowered(pattern)
        for window in windows:
            expected = [m.span() for m in low.finditer(scanned, *window)]
            got = [m.span() for m in index._matches(low, scanned, [window])]
            assert got == expected, pattern.pattern


def test_distinct_at_least_stops_reading_once_enough():
    read = []

    def values():
        for v in ("a", "a", "b", "c", "d"):
            read.append(v)
            yield v

    assert distinct_at_least(values(), 2) and read == ["a", "a", "b"]
    assert not distinct_at_least(iter(["a", "a"]), 2)


# --- fourth pass: whole needs, bulk leaf lookup, need programs, clause searches -----------------
import functools  # noqa: E402
import operator  # noqa: E402

from reviews.checks import literals as L  # noqa: E402
from reviews.checks.index import cue_pattern  # noqa: E402

_TOKEN_TEXTS = [
    "Our EU representative: Acme Ltd, 12 Main Street. E-mail dpo@acme.example.",
    "We share personal information with service providers; do not track signals.",
    "K-12 students under 13, and children\u2019s data (caf\u00e9 \u2013 na\u00efve \u0663).",
    "Database metadata, unrelated words, datas and queue.",
    "",
]


def _brute_bits(texts: list[str], leaf: tuple[str, str]) -> int:
    """The clauses whose tokens (``\\w+`` runs of the lower-cased text) meet a leaf, by hand."""
    mode, piece = leaf
    out = 0
    for i, text in enumerate(texts):
        tokens = re.findall(r"\w+", text.lower())
        hit = {
            "exact": lambda t: t == piece,
            "prefix": lambda t: t.startswith(piece),
            "suffix": lambda t: t.endswith(piece),
            "sub": lambda t: piece in t,
            "digit": lambda t: any(ch.isdigit() for ch in t),
        }[mode]
        if any(hit(t) for t in tokens):
            out |= 1 << i
    return out


def test_leaves_looked_up_in_bulk_equal_leaves_looked_up_alone():
    leaves = [
        ("exact", "eu"),
        ("exact", "data"),
        ("prefix", "data"),
        ("suffix", "data"),
        ("sub", "data"),
        ("sub", "ue"),
        ("prefix", "repr"),
        ("suffix", "ers"),
        ("digit", ""),
        ("exact", "caf\u00e9"),
        ("exact", "absent"),
    ]
    first = L.TokenIndex(_TOKEN_TEXTS)  # asks for each leaf once: looked up alone
    for leaf in leaves:
        assert first.bits(*leaf) == _brute_bits(_TOKEN_TEXTS, leaf), leaf
    texts = list(reversed(_TOKEN_TEXTS))
    second = L.TokenIndex(texts)  # now every leaf is known: all looked up in one pass
    for leaf in leaves:
        assert second.bits(*leaf) == _brute_bits(texts, leaf), leaf


def _walk(tokens: L.TokenIndex, need: L.Need) -> int | None:
    """The and/or tree evaluated node by node (what the compiled need programs replace)."""
    if need is None:
        return None
    op, arg = need
    if op not in ("and", "or"):
        return tokens.bits(op, arg)
    parts = [_walk(tokens, part) for part in arg]
    if op == "or":
        return None if None in parts else functools.reduce(operator.or_, parts, 0)
    kept = [p for p in parts if p is not None]
    return functools.reduce(operator.and_, kept) if kept else None


def test_need_programs_equal_the_tree_walk():
    tokens = L.TokenIndex(_TOKEN_TEXTS)
    for pattern in _ALL_PATTERNS:
        for whole in (False, True):
            need = literal_need(lowered(pattern), whole=whole)
            assert tokens.evaluate(need) == _walk(tokens, need), pattern.pattern


def test_whole_needs_join_words_the_parser_cut_and_never_drop_a_matching_clause():
    dnt = lowered(cue_pattern(["do not track", "DNT"]))
    assert literal_need(dnt) is None  # "\bd(?:o\s+not...|nt\b)": both words were cut
    assert literal_need(dnt, whole=True) == (
        "or",
        [("and", [("exact", "do"), ("exact", "not"), ("exact", "track")]), ("exact", "dnt")],
    )
    assert literal_need(lowered(P.K12), whole=True) is not None  # "K-12" needs a digit
    text = "\n".join(t for t in _TOKEN_TEXTS if t) + "\nWe honour Do Not Track and DNT.\n"
    index = build_index(text, simple_clauses(text), [])
    tokens = L.TokenIndex([c.text for c in index.clauses])
    matched = 0
    for pattern in _ALL_PATTERNS + [dnt]:
        low = lowered(pattern)
        if L.may_span_clauses(low):
            continue
        bits = tokens.evaluate(literal_need(low, whole=True))
        for pos, clause in enumerate(index.clauses):
            if low.search(clause.text.lower()):
                matched += 1
                assert bits is None or bits >> pos & 1, (pattern.pattern, clause.text)
    assert matched > 20  # the text exercises many of the patterns


def test_may_span_clauses_needs_both_a_newline_and_a_nul():
    assert not L.may_span_clauses(rx(r"\bdo\s+not\s+track\b"))  # \s: a newline, never a NUL
    assert not L.may_span_clauses(rx(r"share[^.\n]{0,80}third"))  # a NUL, never a newline
    assert L.may_span_clauses(rx(r"foo\W+bar"))
    assert L.may_span_clauses(rx(r"a\s*[^.]b"))
    assert L.may_span_clauses(re.compile(r"(a)x\1"))  # a backreference: unknown, so yes


def test_clause_searches_run_in_place_unless_the_pattern_looks_before_its_start():
    assert L.looks_before_start(rx(r"^\s*contents"))
    assert L.looks_before_start(rx(r"(?<!not )sell"))
    assert not L.looks_before_start(rx(r"\bsell\b(?=\W|$)"))
    text = "Contents\nWe do not sell data.\nsell it. We sell data.\nNothing here."
    index = build_index(text, simple_clauses(text), [])
    for pattern in (
        rx(r"^\s*contents"),
        rx(r"(?<!not )sell"),
        rx(r"\bsell\b(?=\W|$)"),
        rx(r"data\.$"),
        P.DISCLOSES,
        P.EMAIL,
    ):
        for clause in index.clauses:
            expected = pattern.search(clause.text) is not None
            assert index.clause_has(pattern, clause) is expected, (pattern.pattern, clause.text)
