"""Pure helpers: guideline Markdown (safe), export writers."""

from __future__ import annotations

import csv
import io
import json

from reviews.campaigns import exports, markdown


def test_markdown_subset():
    html = markdown.render(
        "# Rules\n\nLabel **every** clause, *carefully*.\n\n- one\n- `two`\n\n"
        "See [the manual](https://example.org/m)."
    )
    assert "<h3>Rules</h3>" in html
    assert "<strong>every</strong>" in html and "<em>carefully</em>" in html
    assert "<ul><li>one</li><li><code>two</code></li></ul>" in html
    assert '<a href="https://example.org/m" rel="noopener noreferrer">the manual</a>' in html


def test_markdown_never_renders_html_or_script_links():
    html = markdown.render(
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>"
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


ROW = exports.Row(
    campaign="C",
    document="D",
    version_id=1,
    clause_id=2,
    clause_order=0,
    start=5,
    end=9,
    source="annotation",
    annotator="ann",
    label="Other",
    time="2026-01-01T00:00:00+00:00",
    unsure=True,
    comment='says "hi", twice',
    spans=((5, 7), (8, 9)),
)


def test_jsonl_rows():
    (line,) = list(exports.to_jsonl([ROW]))
    record = json.loads(line)
    assert record["spans"] == [[5, 7], [8, 9]]
    assert (record["start"], record["end"], record["annotator"]) == (5, 9, "ann")


def test_csv_rows_round_trip():
    text = "".join(exports.to_csv([ROW, ROW]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[0]["comment"] == 'says "hi", twice'
    assert rows[0]["spans"] == "5-7 8-9" and rows[0]["unsure"] == "yes"
    assert list(rows[0]) == exports.COLUMNS


def test_agreement_csv_blanks_none():
    text = exports.agreement_csv(["a", "b"], [[None, 0.5]])
    assert text.splitlines() == ["a,b", ",0.5"]
