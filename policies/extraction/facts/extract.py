"""``extract_facts``: run every extractor over the clauses of one policy version.

One pass per clause, each extractor guarded by cheap substring checks, so the cost is linear in
the text. Document-level facts (organisation, last-updated date, addresses split over lines,
table-of-contents blocks) look at neighbouring clauses only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from policies.extraction.document import ClauseInput, Fact
from policies.extraction.facts import (
    audiences,
    contacts,
    cues,
    dates,
    hedges,
    practices,
    rights,
    structure,
)
from policies.extraction.facts.sentences import ClauseView

# Per-clause extractors, in the order their facts are listed.
_CLAUSE_EXTRACTORS: tuple[Callable[[ClauseView], list[Fact]], ...] = (
    contacts.email_facts,
    contacts.phone_facts,
    contacts.contact_form_facts,
    contacts.eu_representative_facts,
    practices.data_category_facts,
    practices.data_source_facts,
    practices.purpose_facts,
    practices.legal_basis_facts,
    practices.recipient_facts,
    practices.retention_facts,
    practices.sale_facts,
    practices.shares_for_ads_facts,
    practices.transfer_facts,
    practices.policy_change_facts,
    practices.security_facts,
    rights.request_method_facts,
    rights.verification_facts,
    rights.authorized_agent_facts,
    rights.dnt_facts,
    rights.gpc_facts,
    audiences.children_facts,
    audiences.student_data_facts,
    hedges.vague_term_facts,
)


def extract_facts(text: str, clauses: Sequence[ClauseInput]) -> list[Fact]:
    """Every fact the clauses state, each with its clause id and its span in ``text``.

    Precondition: ``text[c.start:c.end]`` is clause ``c``'s text. Facts are ordered by position.
    Clauses inside a table of contents yield only the ``table_of_contents`` fact.
    """
    ordered = sorted(clauses, key=lambda c: (c.start, c.order))
    masks = _clause_masks(text, ordered)
    views = [
        ClauseView(c, text[c.start : c.end], c.start, mask)
        for c, mask in zip(ordered, masks, strict=True)
    ]
    facts: list[Fact] = []

    toc_facts, toc_ids = structure.table_of_contents_facts(views)
    facts += toc_facts
    body = [v for v in views if v.clause.id not in toc_ids]
    by_id = {v.clause.id: v for v in body}

    org = contacts.organization_fact(body)
    if org is not None:
        facts.append(org)
    facts += _last_updated_facts(text, views)
    facts += contacts.address_facts(body)
    own = frozenset({org.value["name"].lower().split()[0]} if org else ())

    for i, view in enumerate(body):
        for extractor in _CLAUSE_EXTRACTORS:
            facts += extractor(view)
        facts += practices.third_party_facts(view, own)
        if contacts.has_dpo_cue(view):
            neighbour_contact = any(
                "@" in v.text or contacts.PHONE.search(v.text) for v in body[i + 1 : i + 3]
            )
            facts += contacts.dpo_facts(view, neighbour_contact)

    # Rights listed in one clause are often exercised as another clause of the section says
    # ("To exercise your rights, e-mail us at ..."): the section's first method stands for all.
    section_method: dict[tuple[str, ...], str] = {}
    for f in facts:
        if f.kind == "request_method":
            path = by_id[f.clause_id].clause.heading_path
            section_method.setdefault(path, f.value["method"])
    for view in body:
        facts += rights.right_facts(view, section_method.get(view.clause.heading_path))
    facts.sort(key=lambda f: (f.start, f.end, f.kind))
    return facts


def _clause_masks(text: str, ordered: Sequence[ClauseInput]) -> list[int]:
    """Cue masks of the clauses; every bit set (no gating) when lower-casing would move
    offsets (a few non-ASCII letters lower-case to two characters)."""
    lower = text.lower()
    if len(lower) != len(text):
        return [cues.ALL] * len(ordered)
    return cues.clause_masks(lower, [(c.start, c.end) for c in ordered])


def _last_updated_facts(text: str, views: Sequence[ClauseView]) -> list[Fact]:
    """Labelled dates, each attributed to the clause holding the date."""
    starts = [v.offset for v in views]
    out = []
    for day, start, end, label in dates.labelled_dates(text):
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            continue
        view = views[i]
        clause_end = view.offset + len(view.text)
        if not (view.offset <= start < clause_end):
            continue
        end = min(end, clause_end)
        out.append(
            view.fact(
                "last_updated",
                {"date": day.isoformat(), "label": label},
                start - view.offset,
                end - view.offset,
            )
        )
    return out
