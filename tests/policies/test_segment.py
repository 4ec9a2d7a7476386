"""Segmenter: one test per structural rule, hypothesis invariants, and the real sample policies."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from policies.extraction.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block
from policies.extraction.readers import read_document
from policies.extraction.segment import MAX_CLAUSE_WORDS, segment

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "policies"


def clauses_of(text: str, blocks: tuple[Block, ...] = ()) -> list[tuple[str, str]]:
    result = segment(text, blocks)
    return [(c.kind, text[c.start : c.end]) for c in result.clauses]


def headings_of(text: str) -> list[str]:
    return [text[c.start : c.end] for c in segment(text).clauses if c.kind == HEADING]


def assert_invariants(text: str, blocks: tuple[Block, ...] = ()) -> None:
    result = segment(text, blocks)
    previous_end = 0
    covered = bytearray(len(text))
    for order, clause in enumerate(result.clauses):
        assert clause.order == order
        assert 0 <= clause.start < clause.end <= len(text)
        assert clause.start >= previous_end, "clauses overlap or are out of order"
        body = text[clause.start : clause.end]
        assert body == body.strip(), "clause has surrounding whitespace"
        assert 0 <= clause.section < len(result.sections)
        section = result.sections[clause.section]
        assert clause.heading_path == section.heading_path
        assert section.start <= clause.start and clause.end <= section.end
        for i in range(clause.start, clause.end):
            covered[i] = 1
        previous_end = clause.end
    for i, char in enumerate(text):
        assert covered[i] or char.isspace(), f"character {char!r} at {i} is in no clause"
    for order, section in enumerate(result.sections):
        assert section.order == order
        assert 0 <= section.start < section.end <= len(text)
        assert any(c.section == order for c in result.clauses)
        if section.level == 0:
            assert order == 0 and section.heading == "" and section.heading_path == ()
        else:
            assert section.heading_path[-1] == section.heading


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def test_empty_and_blank_text_give_nothing() -> None:
    assert segment("").clauses == ()
    assert segment(" \n\n\t ").sections == ()


def test_text_before_any_heading_is_the_lead_in_section() -> None:
    text = "Welcome to our notice about data.\n\nCookies\n\nWe use cookies on our web site today."
    result = segment(text)
    assert result.sections[0].level == 0 and result.sections[0].heading_path == ()
    assert result.clauses[0].section == 0 and result.clauses[0].heading_path == ()
    assert result.sections[1].heading == "Cookies"
    assert result.clauses[-1].heading_path == ("Cookies",)


def test_heading_clause_path_ends_with_itself() -> None:
    text = "# Privacy\n\n## Cookies\n\nWe use cookies to remember your settings and choices."
    result = segment(text)
    kinds = [(c.kind, c.heading_path) for c in result.clauses]
    assert kinds[0] == (HEADING, ("Privacy",))
    assert kinds[1] == (HEADING, ("Privacy", "Cookies"))
    assert kinds[2] == (PARAGRAPH, ("Privacy", "Cookies"))
    assert [s.level for s in result.sections] == [1, 2]


def test_markdown_levels_pop_the_heading_stack() -> None:
    text = "# A\n\n## B\n\nText one here.\n\n### C\n\nText two here.\n\n## D\n\nText three here."
    paths = [c.heading_path for c in segment(text).clauses if c.kind == PARAGRAPH]
    assert paths == [("A", "B"), ("A", "B", "C"), ("A", "D")]


def test_numbered_headings_nest_by_depth() -> None:
    text = (
        "1. Information We Collect\n"
        "We collect your name and e-mail address when you register.\n"
        "1.1 Cookies\n"
        "We use cookies to keep you signed in to the service.\n"
        "2. Your Rights\n"
        "You may ask us to delete your data at any time.\n"
    )
    result = segment(text)
    heads = [(text[c.start : c.end], c.heading_path) for c in result.clauses if c.kind == HEADING]
    assert heads == [
        ("1. Information We Collect", ("1. Information We Collect",)),
        ("1.1 Cookies", ("1. Information We Collect", "1.1 Cookies")),
        ("2. Your Rights", ("2. Your Rights",)),
    ]


def test_run_of_short_numbered_lines_is_a_list_not_headings() -> None:
    text = "We collect:\n1. Name\n2. Email\n3. Phone number\nThat is all we collect."
    assert [k for k, _ in clauses_of(text)] == [
        PARAGRAPH,
        LIST_ITEM,
        LIST_ITEM,
        LIST_ITEM,
        PARAGRAPH,
    ]


def test_numbered_sentence_is_a_list_item() -> None:
    text = "Rules:\n1. We never sell your data.\n2. We delete it after a year."
    assert clauses_of(text)[1] == (LIST_ITEM, "1. We never sell your data.")


def test_roman_and_section_headings() -> None:
    text = (
        "I. Scope\nThis policy covers every product and service that we operate.\n"
        "II. Data Collected\nWe collect account data and usage data from you.\n"
        "Section 3 Retention\nWe keep data only as long as it is needed for the service."
    )
    assert headings_of(text) == ["I. Scope", "II. Data Collected", "Section 3 Retention"]


def test_all_caps_heading_ranks_above_title_case() -> None:
    text = (
        "Overview Of Terms\nThis is the beginning of our policy text for users.\n\n"
        "INFORMATION WE COLLECT\n\nWe collect your name and address when you register.\n\n"
        "Account Data\n\nWe keep your account details while the account is open."
    )
    result = segment(text)
    levels = {s.heading: s.level for s in result.sections}
    assert levels["INFORMATION WE COLLECT"] < levels["Account Data"]
    assert result.clauses[-1].heading_path == ("INFORMATION WE COLLECT", "Account Data")


def test_question_and_title_case_headings_without_blank_lines() -> None:
    text = (
        "What information do we collect?\n"
        "We collect information about you when you visit our website or use the app.\n"
        "Data Security\n"
        "We protect your personal information with encryption and access controls.\n"
    )
    assert headings_of(text) == ["What information do we collect?", "Data Security"]


def test_short_line_after_a_full_paragraph_is_a_heading() -> None:
    text = (
        "We may change this policy and will post any changes on this page for everyone.\n"
        "Third party links\n"
        "Our site links to other sites whose practices we do not control at all.\n"
    )
    assert headings_of(text) == ["Third party links"]


def test_colon_lead_in_before_list_is_a_paragraph() -> None:
    text = "We collect the following information:\n- your name\n- your e-mail address"
    assert clauses_of(text) == [
        (PARAGRAPH, "We collect the following information:"),
        (LIST_ITEM, "- your name"),
        (LIST_ITEM, "- your e-mail address"),
    ]


def test_title_case_colon_line_is_a_heading() -> None:
    text = (
        "Profile Information:\nWe collect your details to maintain your user account.\n"
        "Information We Collect:\n- name\n- address"
    )
    assert headings_of(text) == ["Profile Information:", "Information We Collect:"]
    assert segment(text).sections[0].heading == "Profile Information"


def test_lines_after_a_lead_in_without_full_stops_are_list_items() -> None:
    text = (
        "We may use the information in one of the following ways:\n"
        "To provide our Services\n"
        "To send periodic emails\n"
        "We never sell the information to anyone else."
    )
    assert [k for k, _ in clauses_of(text)] == [PARAGRAPH, LIST_ITEM, LIST_ITEM, PARAGRAPH]


def test_dates_and_contact_lines_are_not_headings() -> None:
    text = (
        "Privacy Policy\nLast Updated May 17, 2018\n"
        "We are committed to safeguarding the privacy of our website visitors here.\n"
        "support@example.com\nWe answer within two working days of receipt."
    )
    assert headings_of(text) == ["Privacy Policy"]


@pytest.mark.parametrize(
    "marker", ["•", "●", "▪", "◦", "-", "–", "−", "*", "·", "a)", "(a)", "i.", "1.", "1)"]
)
def test_list_markers(marker: str) -> None:
    text = f"Intro paragraph that ends here.\n{marker} first item text\n{marker} second item text"
    kinds = [k for k, _ in clauses_of(text)]
    assert kinds == [PARAGRAPH, LIST_ITEM, LIST_ITEM]


def test_list_item_continuation_lines_belong_to_the_item() -> None:
    text = "- first item that wraps\n  onto a second line\n- second item\nand a lowercase tail"
    assert clauses_of(text) == [
        (LIST_ITEM, "- first item that wraps\n  onto a second line"),
        (LIST_ITEM, "- second item\nand a lowercase tail"),
    ]


def test_bullet_alone_on_its_line_takes_the_next_line() -> None:
    text = "•\nWe collect your name.\n•\nWe collect your address."
    assert [k for k, _ in clauses_of(text)] == [LIST_ITEM, LIST_ITEM]


def test_pipe_and_tab_tables() -> None:
    text = "| Cookie | Purpose |\n|---|---|\n| sid | login |\n\nName\tPurpose\tExpiry\n"
    kinds = clauses_of(text)
    assert [k for k, _ in kinds] == [TABLE_ROW, TABLE_ROW, TABLE_ROW]
    assert kinds[0][1] == "| Cookie | Purpose |\n|---|---|"


def test_single_pipe_in_a_title_is_not_a_table() -> None:
    text = "Privacy Policy | Acme\nWhat information do we collect about you?\nWe collect data."
    assert clauses_of(text)[0] == (HEADING, "Privacy Policy | Acme")


def test_soft_wrapped_lines_join_into_one_paragraph() -> None:
    text = "We collect information when you\nvisit our website, and we use it\nto run the service."
    assert clauses_of(text) == [(PARAGRAPH, text)]


def test_sentence_lines_stay_separate_paragraphs() -> None:
    text = "We collect your name.\nWe share nothing with advertisers."
    assert [k for k, _ in clauses_of(text)] == [PARAGRAPH, PARAGRAPH]


def test_hard_wrapped_text_joins_even_before_capitals() -> None:
    line = "We collect information that you give us when you register for the service. We"
    text = "\n".join([line] * 8)
    clauses = clauses_of(text)
    assert len(clauses) > 1  # long, so split by sentence groups...
    assert all(kind == PARAGRAPH for kind, _ in clauses)
    assert sum(body.count("\n") for _, body in clauses) >= 4  # ...but lines were joined


def test_long_paragraph_splits_into_sentence_groups() -> None:
    sentence = "We use your data to provide the service and improve it for everyone. "
    text = (sentence * 20).strip()
    clauses = segment(text).clauses
    word_counts = [len(text[c.start : c.end].split()) for c in clauses]
    assert len(clauses) >= 3
    assert all(20 <= n <= MAX_CLAUSE_WORDS for n in word_counts)
    assert all(text[c.start : c.end].endswith(".") for c in clauses)


@pytest.mark.parametrize(
    "tricky",
    [
        "Contact us, e.g. Acme Inc. Ltd. in the U.S. or the U.K. at No. 5 St. Mary Road",
        "Write to privacy@example.com. Or visit https://example.com/a.b.c for details",
        "Our fee rose by 1.5 percent. Dr. J. Smith vs. Mr. Brown, see Art. 6 and Sec. 4",
    ],
)
def test_sentence_splitter_respects_abbreviations(tricky: str) -> None:
    filler = "This sentence is a long piece of filler text that exists only to add words here. "
    text = filler * 5 + tricky + " and then more. " + filler * 5
    bodies = [body for _, body in clauses_of(text.strip())]
    assert any(tricky in body for body in bodies), bodies


def test_very_long_sentence_splits_at_semicolons() -> None:
    part = "we may share your data with partners who help us run the service for you"
    text = "; ".join([part] * 12) + "."
    clauses = segment(text).clauses
    assert len(clauses) > 1
    assert all(len(text[c.start : c.end].split()) <= 120 for c in clauses)


def test_blocks_give_kinds_and_levels() -> None:
    text = "Privacy\n\nCookies\n\nWe use cookies.\n\nname\n\na | b"
    blocks = (
        Block(0, 7, HEADING, 1),
        Block(9, 16, HEADING, 2),
        Block(18, 33, PARAGRAPH),
        Block(35, 39, LIST_ITEM),
        Block(41, 46, TABLE_ROW),
    )
    result = segment(text, blocks)
    assert [c.kind for c in result.clauses] == [HEADING, HEADING, PARAGRAPH, LIST_ITEM, TABLE_ROW]
    assert result.clauses[-1].heading_path == ("Privacy", "Cookies")


def test_bold_paragraph_heading_inside_html_blocks_is_inferred() -> None:
    text = (
        "Privacy\n\nWe respect your privacy at all times here.\n\nCookies\n\nWe use cookies a lot."
    )
    blocks = (
        Block(0, 7, HEADING, 1),
        Block(9, 51, PARAGRAPH),
        Block(53, 60, PARAGRAPH),
        Block(62, 83, PARAGRAPH),
    )
    result = segment(text, blocks)
    assert result.clauses[-1].heading_path == ("Privacy", "Cookies")


def test_lines_inside_a_multi_line_reader_paragraph_are_not_headings() -> None:
    text = "Write to us at:\n\nACME Inc.\nAttn: Privacy Office\n1 Main Street, Springfield"
    blocks = (Block(0, 15, PARAGRAPH), Block(17, len(text), PARAGRAPH))
    result = segment(text, blocks)
    assert [c.kind for c in result.clauses] == [PARAGRAPH, PARAGRAPH]
    assert result.sections[0].level == 0


def test_bad_blocks_are_ignored() -> None:
    text = "Hello world. This is text."
    blocks = (Block(-1, 3, HEADING), Block(5, 999, PARAGRAPH), Block(4, 2, PARAGRAPH))
    assert_invariants(text, blocks)
    assert clauses_of(text, blocks) == [(PARAGRAPH, text)]


# --------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------

_LINE_PARTS = st.sampled_from(
    [
        "We collect data.",
        "Cookies",
        "COOKIES",
        "What do we collect?",
        "Information We Collect:",
        "1. Introduction",
        "1.2 Scope",
        "IV. Rights",
        "- item",
        "• item",
        "(a) item",
        "a | b | c",
        "x\ty\tz",
        "e.g. U.S. Inc. etc.",
        "# Heading",
        "---",
        "===",
        "|",
        "  ",
        "",
        "•",
        "mr. x. y",
        "Ünïcödé Über",
        "\u00a0",
        "\u3000",
        "日本語の文。",
    ]
)
_LINES = st.one_of(_LINE_PARTS, st.text(max_size=40))
_TEXTS = st.lists(_LINES, max_size=30).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_invariants_on_structured_noise(text: str) -> None:
    assert_invariants(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_invariants_on_arbitrary_text(text: str) -> None:
    assert_invariants(text)


@st.composite
def _text_with_blocks(draw: st.DrawFn) -> tuple[str, tuple[Block, ...]]:
    text = draw(_TEXTS)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    kinds = st.sampled_from([HEADING, PARAGRAPH, LIST_ITEM, TABLE_ROW, "bogus"])
    blocks = [
        Block(a, b, draw(kinds), draw(st.integers(0, 7)))
        for a, b in zip(cuts, cuts[1:], strict=False)
        if a < b and draw(st.booleans())
    ]
    return text, tuple(blocks)


@settings(max_examples=300, deadline=None)
@given(_text_with_blocks())
def test_invariants_with_arbitrary_blocks(case: tuple[str, tuple[Block, ...]]) -> None:
    assert_invariants(*case)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["h1", "p", "li", "tr"]), _LINE_PARTS), max_size=20))
def test_invariants_with_reader_blocks(parts: list[tuple[str, str]]) -> None:
    body = "".join(f"<{tag}>{text}</{tag}>" for tag, text in parts)
    html = f"<html><body><table>{body}</table><p>end of document</p></body></html>"
    result = read_document(html.encode(), "x.html")
    assert_invariants(result.text, result.blocks)


# --------------------------------------------------------------------------------------------
# Real sample policies (read at test time; skipped when the shared folder is absent)
# --------------------------------------------------------------------------------------------


def _sample(name: str) -> tuple[str, object]:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {path} not available")
    result = read_document(path.read_bytes(), name)
    return result.text, segment(result.text, result.blocks)


SAMPLE_EXPECTATIONS = {
    # name: (heading count range, headings that must be found, list items at least)
    "anymeeting.txt": (
        (8, 11),
        ["What information do we collect?", "Do we use cookies?", "Third party links"],
        6,
    ),
    "classtime.txt": (
        (12, 16),
        ["Contact details", "Data Security", "1. When you Visit our Website", "Complaints"],
        20,
    ),
    "impartus.txt": (
        (10, 14),
        ["Registration", "Profile Information", "Children", "Security"],
        0,
    ),
    "informetric.txt": (
        (8, 10),
        ["Information We Collect", "Cookies", "Cookies Used by Our Service Providers"],
        25,
    ),
    "upart.txt": (
        (5, 7),
        ["Data that we collect on you", "What are your rights?"],
        15,
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_EXPECTATIONS))
def test_sample_policies_segment_sensibly(name: str) -> None:
    text, result = _sample(name)
    (low, high), expected_headings, min_items = SAMPLE_EXPECTATIONS[name]
    headings = [s.heading for s in result.sections if s.level > 0]
    assert low <= len(headings) <= high, headings
    for heading in expected_headings:
        assert heading in headings
    clauses = result.clauses
    assert sum(c.kind == LIST_ITEM for c in clauses) >= min_items
    word_counts = [len(text[c.start : c.end].split()) for c in clauses]
    assert max(word_counts) <= 100
    body = [n for c, n in zip(clauses, word_counts, strict=True) if c.kind == PARAGRAPH]
    assert 15 <= sum(body) / len(body) <= 80
    for clause in clauses:  # every clause after the first heading sits under one
        if clause.section > 0 or result.sections[0].level > 0:
            assert clause.heading_path
    assert_invariants(text)


def test_sample_nested_numbered_subsections() -> None:
    text, result = _sample("classtime.txt")
    paths = {c.heading_path for c in result.clauses}
    assert any(len(p) == 2 and p[1] == "2. When you Use our Services" for p in paths)
    bullets = [c for c in result.clauses if text[c.start : c.end].startswith(("•", "−"))]
    assert bullets and all(c.kind == LIST_ITEM for c in bullets)


def test_sample_unmarked_list_after_lead_in() -> None:
    text, result = _sample("anymeeting.txt")
    items = [text[c.start : c.end] for c in result.clauses if c.kind == LIST_ITEM]
    assert "To provide our Services" in items
    assert all(
        c.heading_path == ("What do we use your information for?",)
        for c in result.clauses
        if c.kind == LIST_ITEM
    )
