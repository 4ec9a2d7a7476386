"""``extract_facts``: run every extractor over the clauses of one policy version.

One pass per clause, each extractor guarded by cheap substring checks, so the cost is linear in
the text. Document-level facts (organisation, last-updated date, addresses split over lines,
table-of-contents blocks) look at neighbouring clauses only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from operator import attrgetter

from policies.extraction.document import ClauseInput, Fact
from policies.extraction.facts import (
    audiences,
    contacts,
    cues,
    dates,
    headindex,
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
    index = headindex.HeadIndex.build(text, text.lower()) if ordered else None
    present = index.presence([(c.start, c.end) for c in ordered]) if index is not None else None
    views = [
        ClauseView(c, text[c.start : c.end], c.start, mask, index)
        for c, mask in zip(ordered, masks, strict=True)
    ]
    for view, heads in zip(views, present or (), strict=False):
        view.heads = heads
    facts: list[Fact] = []

    toc_facts, toc_ids = structure.table_of_contents_facts(views)
    facts += toc_facts
    body = [v for v in views if v.clause.id not in toc_ids]
    by_id = {v.clause.id: v for v in body}

    org = contacts.organization_fact(body)
    if org is not None:
        facts.append(org)
    facts += _last_updated_facts(text, views, index)
    facts += contacts.address_facts(body)
    own = frozenset({org.value["name"].lower().split()[0]} if org else ())

    # Each extractor runs over the clauses that have what it needs (``cues.gate``), one
    # extractor after the other. Every kind comes from one extractor, so the order of the facts
    # after the stable sort below is the order clause by clause would give.
    for extractor in _CLAUSE_EXTRACTORS:
        for view in _gated(extractor, body):
            facts += extractor(view)
    for view in _gated(practices.third_party_facts, body):
        facts += practices.third_party_facts(view, own)
    position = {id(view): i for i, view in enumerate(body)}
    for view in _gated(contacts.dpo_facts, body):
        i = position[id(view)]
        neighbour_contact = any(
            "@" in v.text or v.search(contacts.PHONE) for v in body[i + 1 : i + 3]
        )
        facts += contacts.dpo_facts(view, neighbour_contact)

    # Rights listed in one clause are often exercised as another clause of the section says
    # ("To exercise your rights, e-mail us at ..."): the section's first method stands for all.
    section_method: dict[tuple[str, ...], str] = {}
    for f in facts:
        if f.kind == "request_method":
            path = by_id[f.clause_id].clause.heading_path
            section_method.setdefault(path, f.value["method"])
    for view in _gated(rights.right_facts, body):
        facts += rights.right_facts(view, section_method.get(view.clause.heading_path))
    facts.sort(key=attrgetter("start", "end", "kind"))
    return facts


def _gated(extractor: Callable, views: Sequence[ClauseView]) -> list[ClauseView]:
    """The views in which ``extractor`` may find something: with one of its cue bits and one of
    its patterns' presence bits (see ``cues.gate``)."""
    bits, patterns = cues.gates.get(extractor, (cues.ALL, ()))
    slots = headindex.slot_bits(patterns)
    return [v for v in views if v.mask & bits and v.heads & slots]


def _clause_masks(text: str, ordered: Sequence[ClauseInput]) -> list[int]:
    """Cue masks of the clauses; every bit set (no gating) when lower-casing would move
    offsets (a few non-ASCII letters lower-case to two characters)."""
    lower = text.lower()
    if len(lower) != len(text):
        return [cues.ALL] * len(ordered)
    return cues.clause_masks(lower, [(c.start, c.end) for c in ordered])


def _last_updated_facts(
    text: str, views: Sequence[ClauseView], index: headindex.HeadIndex | None
) -> list[Fact]:
    """Labelled dates, each attributed to the clause holding the date."""
    starts = [v.offset for v in views]
    out = []
    for day, start, end, label in dates.labelled_dates(text, index):
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
