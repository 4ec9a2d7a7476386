"""Render a review's report data (``selectors.review_report_data``: plain JSON) as CSV, JSON and
PDF. Pure: no Django, no database; the HTML page is a template over the same data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

CSV_COLUMNS = (
    "finding_id", "regulation", "requirement", "title", "citation", "status", "machine_status",
    "origin", "review_state", "carried_forward", "decided_by", "decided_at", "rationale",
    "evidence", "considered_clauses", "last_comment",
)


def finding_csv_rows(data: dict) -> Iterable[dict]:
    for f in data["findings"]:
        comments = [d["comment"] for d in f["decisions"] if d["comment"]] + [
            c["body"] for c in f["comments"]
        ]
        yield {
            "finding_id": f["id"], "regulation": f["regulation"], "requirement": f["requirement"],
            "title": f["title"], "citation": f["citation"], "status": f["status"],
            "machine_status": f["machine_status"], "origin": f["origin"],
            "review_state": f["review_state"], "carried_forward": "yes" if f["carried_forward"] else "",
            "decided_by": f["decided_by"], "decided_at": f["decided_at"], "rationale": f["rationale"],
            "evidence": " | ".join(e["quote"] for e in f["evidence"]),
            "considered_clauses": " ".join(str(c["number"]) for c in f["considered"]),
            "last_comment": comments[-1] if comments else "",
        }


def findings_csv(data: dict) -> str:
    """One row per finding, the columns of ``CSV_COLUMNS``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in finding_csv_rows(data):
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return out.getvalue()


def _csv_safe(value):
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def findings_json(data: dict) -> str:
    """The whole report as JSON: policy, version, review, scope, rating, matrix, findings (with
    decisions and comments) and the audit trail."""
    return json.dumps(data, indent=2, ensure_ascii=False)


# The PDF uses the core Helvetica font (no font files to ship), which covers Latin-1 only.
_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u2022": "*", "\u00a0": " ", "\u2192": "->", "\u2265": ">=", "\u2264": "<=",
})


def pdf_text(value) -> str:
    text = str(value).translate(_TYPOGRAPHY)
    return text.encode("latin-1", "replace").decode("latin-1")


def report_pdf(data: dict) -> bytes:
    """A print-ready PDF of the report."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(pdf_text(f"Review report: {data['policy']['name']} v{data['version']['number']}"))
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)

    def para(text: str, style: str = "", size: int = 9) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, 4.6, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    policy, version, review, rating = data["policy"], data["version"], data["review"], data["rating"]
    heading(f"Review report - {policy['vendor'] + ': ' if policy['vendor'] else ''}{policy['name']}", 16)
    para(
        f"Version {version['number']} ({version['original_name']}, imported {version['imported_at'][:10]}, "
        f"SHA-256 {version['content_hash'][:16]}...). Team {policy['team']}."
    )
    para(
        f"Review {review['id']}: {review['status']}. Assignee {review['assignee'] or '-'}; "
        f"approver {review['approver'] or '-'}; approved by {review['approved_by'] or '-'} "
        f"at {review['approved_at'][:16] or '-'}. Reviewers: {', '.join(review['reviewers']) or '-'}."
    )
    heading(f"Rating: {rating['overall'] or 'not rated'}")
    for reason in rating["reasons"]:
        para(f"- {reason}")
    if rating["machine_overall"] and rating["machine_overall"] != rating["overall"]:
        para(f"(Automated rating before review: {rating['machine_overall']}.)", "I")
    heading("Scope")
    for reg in data["scope"]:
        para(f"{reg['name']}: {'applies' if reg['applies'] else 'does not apply'} - {' '.join(reg['reasons'])}")
    heading("Requirement matrix")
    cols = (60, 25, 25, 25, 25, 20)
    pdf.set_font("Helvetica", "B", 9)
    for label, w in zip(("Regulation", "Applicable", "Satisfied", "Partial", "Missing", "Coverage"), cols, strict=True):
        pdf.cell(w, 6, label, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in data["matrix"]:
        values = (row["regulation"], row["applicable"], row["satisfied"], row["partial"],
                  row["missing"], f"{round(row['coverage'] * 100)}%")
        for value, w in zip(values, cols, strict=True):
            pdf.cell(w, 6, pdf_text(value), border=1)
        pdf.ln()
    heading("Gaps")
    gaps = [f for f in data["findings"] if f["status"] in ("missing", "partial")]
    if not gaps:
        para("No gaps.")
    for f in gaps:
        para(f"{f['regulation']} - {f['requirement'] or 'internal'}: {f['title']} [{f['status']}, {f['review_state']}]", "B")
        para(f["rationale"])
        for e in f["evidence"]:
            para(f'  Evidence (clause {e["clause_id"]}): "{e["quote"][:400]}"', "I")
        if not f["evidence"]:
            for c in f["considered"]:
                para(f"  Considered clause {c['number']}: {c['text'][:200]}", "I")
        for d in f["decisions"]:
            para(f"  {d['at'][:16]} {d['by']}: {d['kind']}{' - ' + d['comment'] if d['comment'] else ''}")
        for c in f["comments"]:
            para(f"  {c['at'][:16]} {c['by']} commented: {c['body']}")
    heading("All findings")
    for f in data["findings"]:
        para(
            f"{f['regulation']} / {f['requirement'] or 'internal'}: {f['title']} - {f['status']} "
            f"({f['review_state']}{', carried forward' if f['carried_forward'] else ''}"
            f"{', by ' + f['decided_by'] if f['decided_by'] else ''})"
        )
    if data["clause_comments"]:
        heading("Comments on clauses")
        for c in data["clause_comments"]:
            para(f"Clause {c['clause_id']}, {c['at'][:16]} {c['by']}: {c['body']}")
    heading("Audit trail")
    for e in data["audit"]:
        change = ", ".join(f"{k}: {e['before'].get(k, '')} -> {v}" for k, v in e["after"].items()) if e["before"] else ""
        para(f"{e['at'][:19]} {e['who']}: {e['what']} ({e['subject']}) {change}"[:400], size=8)
    return bytes(pdf.output())
