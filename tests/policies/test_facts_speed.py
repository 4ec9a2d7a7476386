"""The fact extractor's speed-ups (``docs/facts.md``, "Speed") only skip work: each helper gives
what plain ``re`` (or the plain loop it replaces) gives, on tricky strings and a bundled policy."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from policies.extraction.document import ClauseInput
from policies.extraction.facts import anchors, cues, extract_facts, headindex, rights, sentences

BUNDLED = Path(__file__).resolve().parents[2] / "policies" / "samples"


def bundled_text() -> str:
    return (BUNDLED / "brightboard-learning.md").read_text(encoding="utf-8")[:12000]


def spans(matches) -> list:
    return [(m.span(), m.groups()) for m in matches]


def windows(text: str) -> list[tuple[int, int]]:
    """Clause-like slices of ``text``: its lines, and random spans (some starting mid-word)."""
    out = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    rng = random.Random(5)
    for _ in range(40):
        a = rng.randrange(len(text))
        out.append((a, min(len(text), a + rng.randrange(1, 400))))
    return out


# --- head index (headindex.py) --------------------------------------------------------------------

_TRICKY = (
    "Contact us: Name, E-MAIL ADDRESS, first name, usernames and éname; call +1 (800) 555-0100.\n"
    "We DO NOT sell data; we’re “not” selling it.\tLast Updated: March 3, 2021 (see 2020-01-02).",
    "ÉCOLE Straße 12, 10115 Berlin — the school’s teacher may share it. Not only that.",
)


@pytest.mark.parametrize("text", [*_TRICKY, *(t.upper() for t in _TRICKY), bundled_text()])
def test_head_index_lists_every_head_occurrence_in_order(text):
    index = headindex.HeadIndex.build(text, text.lower())
    assert index is not None
    lower = text.lower()
    for pattern in list(anchors.registry):
        found = index.positions(pattern.slot)
        assert found == sorted(found)
        hay = lower if pattern.plain.flags & re.IGNORECASE else text
        expected = {m.start() for h in pattern.heads for m in re.finditer(re.escape(h), hay)}
        assert expected <= set(found), pattern.pattern


@pytest.mark.parametrize(
    "text",
    [
        "Data is kept for a long time, see \u017fection 2.",  # long s: IGNORECASE folds it onto "s"
        "\u0130stanbul office",  # lower-cases to two characters: offsets would move
        "Call ١٢٣ 4567 890.",  # non-ASCII digits match \d
    ],
)
def test_head_index_is_not_built_where_it_cannot_be_exact(text):
    assert headindex.HeadIndex.build(text, text.lower()) is None


def test_head_index_searches_like_re():
    text = bundled_text()
    lower = text.lower()
    index = headindex.HeadIndex.build(text, lower)
    for pattern in list(anchors.registry):
        for a, b in windows(text):
            for hay in (text[a:b], lower[a:b]):
                got = headindex.search(index, pattern, hay, a)
                want = pattern.plain.search(hay)
                assert (got and got.span()) == (want and want.span()), pattern.pattern
                assert spans(headindex.finditer(index, pattern, hay, a)) == spans(
                    pattern.plain.finditer(hay)
                ), pattern.pattern
            got = headindex.search_window(index, pattern, text, a, b)
            want = pattern.plain.search(text, a, b)
            assert (got and got.span()) == (want and want.span()), pattern.pattern


def test_presence_bits_say_which_patterns_have_candidates():
    text = bundled_text()
    index = headindex.HeadIndex.build(text, text.lower())
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    present = index.presence(lines)
    for pattern in list(anchors.registry):
        found = index.positions(pattern.slot)
        for (a, b), bits in zip(lines, present, strict=True):
            has = any(a <= p < b for p in found) or pattern._at_start
            assert bool((bits >> pattern.slot) & 1) == has, pattern.pattern
    assert index.presence([(0, 10), (5, 20)]) is None  # overlapping spans: unknown


# --- anchors.AnchoredUnless and anchors.any_of -----------------------------------------------------


@pytest.mark.parametrize("name", ["email", "toll_free_phone"])
def test_pattern_anchored_unless_a_character_matches_like_re(name):
    pattern = dict(rights._METHODS)[name]
    assert isinstance(pattern, anchors.AnchoredUnless)
    assert isinstance(pattern.without, anchors.AnchoredPattern)
    plain = re.compile(pattern.pattern, pattern.flags)
    texts = [
        "You may e-mail us or write to privacy@acme.io, or call 1-800-555-0199 (toll free).",
        "Requests: by email, via E-MAIL, or by phone at 866 555 0100; TOLL-FREE help.",
        "No address here, only words: e-mail customer service, call 1 (888) 555 0123.",
        "Nothing to find at all.",
    ]
    for text in texts + [t.replace("@", " at ").replace("8", "7") for t in texts]:
        assert spans(pattern.finditer(text)) == spans(plain.finditer(text))
        got, want = pattern.search(text), plain.search(text)
        assert (got and got.span()) == (want and want.span())


@given(st.text(alphabet="StreBoxwgab. ", max_size=30))
def test_any_of_finds_a_word_wherever_one_occurs(text):
    words = ("St", "Street", "Box", "weg", "str.", "a")
    assert bool(anchors.any_of(words).search(text)) == any(w in text for w in words)


# --- sentences ------------------------------------------------------------------------------------


def reference_split(text: str) -> list[tuple[int, int]]:
    """``split_sentences`` as it was written before: ``re`` tries the end pattern everywhere."""
    spans_, pos = [], 0
    for m in sentences._SENTENCE_END.finditer(text):
        if "\n" not in m.group(0) and sentences._ABBREVIATION.search(
            text[max(pos, m.start() - 8) : m.start()]
        ):
            continue
        spans_.append((pos, m.start()))
        pos = m.end()
    spans_.append((pos, len(text)))
    out = []
    for s, e in spans_:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


@settings(max_examples=300)
@given(st.text(alphabet=" \n\t.!?\"')”’Aa1e.g•-", max_size=40))
def test_split_sentences_is_the_plain_scan(text):
    assert sentences.split_sentences(text) == reference_split(text)


def test_split_sentences_on_a_policy():
    text = bundled_text()
    for m in re.finditer(r"(?:[^\n]+\n?)+", text):
        assert sentences.split_sentences(m.group(0)) == reference_split(m.group(0))


# --- gates: extract_facts without any of them -----------------------------------------------------


def test_searches_that_were_never_cue_gated_still_are_not():
    """IGNORECASE matches "cookıes" (dotless i) to "cookies", which the trigram cue gate cannot
    see: a sentence's data source (never looked up through the gate) is still found."""
    text = "We collect your name, e-mail address and device identifiers through cookıes."
    assert re.search("cookies?", text, re.IGNORECASE)
    clauses = [ClauseInput(id=0, order=0, start=0, end=len(text), text=text)]
    sources = {f.value["source"] for f in extract_facts(text, clauses) if f.kind == "data_category"}
    assert sources == {"automatic"}


def test_head_index_and_gates_only_skip_work(monkeypatch):
    from policies.extraction.facts import extract as extract_module

    text = bundled_text()
    clauses = [
        ClauseInput(id=i, order=i, start=m.start(), end=m.end(), text=m.group(0))
        for i, m in enumerate(re.finditer(r"[^\n]+", text))
    ]
    fast = extract_facts(text, clauses)
    monkeypatch.setattr(headindex.HeadIndex, "build", classmethod(lambda cls, t, low: None))
    monkeypatch.setattr(cues, "gates", {})
    monkeypatch.setattr(
        extract_module, "_clause_masks", lambda _t, ordered: [cues.ALL] * len(ordered)
    )
    slow = extract_facts(text, clauses)
    assert fast == slow and len(fast) > 50
