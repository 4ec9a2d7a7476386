"""Reads of the policies app. Access control lives here: ``*_get_for_user`` raise Http404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from policies.models import Clause, ExtractionRun, Fact, Policy, PolicyVersion, Prediction, Team


def teams_for_user(*, user) -> QuerySet[Team]:
    return Team.objects.all() if user.is_superuser else user.teams.all()


def policy_list(*, user, query: str = "", status: str = "") -> QuerySet[Policy]:
    """Policies the user may see, newest first, with the latest version and run status."""
    latest_version = PolicyVersion.objects.filter(policy=OuterRef("pk")).order_by("-number")
    latest_run = ExtractionRun.objects.filter(version__policy=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    policies = (
        Policy.objects.visible_to(user)
        .select_related("team")
        .annotate(
            latest_version_number=Subquery(latest_version.values("number")[:1]),
            latest_version_id=Subquery(latest_version.values("pk")[:1]),
            run_status=Subquery(latest_run.values("status")[:1]),
            # The rating is written by the reviews app's check stage (a reverse relation).
            rating=Subquery(latest_version.values("rating__overall")[:1]),
        )
    )
    if query:
        policies = policies.filter(name__icontains=query) | policies.filter(vendor__icontains=query)
    if status:
        policies = policies.filter(run_status=status)
    return policies.order_by("-updated_at", "-id")


def policy_get_for_user(*, user, policy_id: int) -> Policy:
    try:
        return Policy.objects.visible_to(user).select_related("team").get(pk=policy_id)
    except Policy.DoesNotExist as exc:
        raise Http404("No such policy.") from exc


def version_get_for_user(*, user, version_id: int) -> PolicyVersion:
    try:
        return (
            PolicyVersion.objects.filter(policy__in=Policy.objects.visible_to(user))
            .select_related("policy", "policy__team")
            .defer("original")
            .get(pk=version_id)
        )
    except PolicyVersion.DoesNotExist as exc:
        raise Http404("No such policy version.") from exc


def run_get_for_user(*, user, run_id: int) -> ExtractionRun:
    try:
        return ExtractionRun.objects.select_related("version__policy").get(
            pk=run_id, version__policy__in=Policy.objects.visible_to(user)
        )
    except ExtractionRun.DoesNotExist as exc:
        raise Http404("No such run.") from exc


def versions_of(*, policy: Policy) -> QuerySet[PolicyVersion]:
    return policy.versions.defer("original", "text", "blocks").order_by("-number")


def latest_run(*, version: PolicyVersion) -> ExtractionRun | None:
    return version.runs.order_by("-created_at", "-id").first()


def category_slug(label: str) -> str:
    """CSS-safe name of a category: "Do Not Track" -> "do-not-track"."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in label.lower()).split())


@dataclass(frozen=True)
class CategoryView:
    label: str
    confidence: float
    slug: str


@dataclass(frozen=True)
class ClauseView:
    """A clause ready to render: its text sliced once from the version text."""

    clause: Clause
    text: str
    categories: list[CategoryView]

    @property
    def primary_slug(self) -> str:
        return self.categories[0].slug if self.categories else ""


@dataclass(frozen=True)
class SectionView:
    heading: str
    level: int
    heading_path: list[str]
    clauses: list[ClauseView]


DOCUMENT_PAGE_SIZE = 100  # clauses per progressively loaded page of the policy page's document


@dataclass(frozen=True)
class DocumentPage:
    """One page of a version's document: the clauses whose order falls in ``page`` (those of
    the chosen category only, when filtered), grouped under their sections."""

    page: int
    pages: int
    sections: list[SectionView]

    @property
    def later_pages(self) -> range:
        return range(self.page + 1, self.pages)

    @property
    def size(self) -> int:
        return DOCUMENT_PAGE_SIZE


def version_document_page(
    *, version: PolicyVersion, category: str = "", page: int = 0
) -> DocumentPage:
    """A page of the document by clause order, so that a long policy's page opens fast and the
    rest loads as it scrolls into view (four queries, whatever the length)."""
    total = Clause.objects.filter(version=version).count()
    pages = max(1, -(-total // DOCUMENT_PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    orders = (page * DOCUMENT_PAGE_SIZE, (page + 1) * DOCUMENT_PAGE_SIZE)
    return DocumentPage(
        page, pages, version_sections(version=version, category=category, orders=orders)
    )


def version_sections(
    *, version: PolicyVersion, category: str = "", orders: tuple[int, int] | None = None
) -> list[SectionView]:
    """The version's clauses (those with ``orders[0] <= order < orders[1]`` when given) grouped
    under their sections, in order (three queries)."""
    clauses = (
        Clause.objects.filter(version=version)
        .select_related("section")
        .prefetch_related(
            Prefetch("predictions", queryset=Prediction.objects.order_by("-confidence"))
        )
        .order_by("order")
    )
    if orders is not None:
        clauses = clauses.filter(order__gte=orders[0], order__lt=orders[1])
    if category:
        clauses = clauses.filter(predictions__label=category)
    grouped: list[SectionView] = []
    text = version.text
    for clause in clauses:
        if not grouped or grouped[-1].heading_path != clause.section.heading_path:
            section = clause.section
            grouped.append(SectionView(section.heading, section.level, section.heading_path, []))
        categories = [
            CategoryView(p.label, p.confidence, category_slug(p.label))
            for p in clause.predictions.all()
        ]
        grouped[-1].clauses.append(ClauseView(clause, clause.text_in(text), categories))
    return grouped


def version_facts(*, version: PolicyVersion) -> QuerySet[Fact]:
    return version.facts.order_by("kind", "start")


# Facts panel: the order and the names reviewers see; kinds not listed are shown last.
FACT_LABELS = {
    "organization": "Organisation",
    "last_updated": "Last updated",
    "email": "E-mail",
    "phone": "Phone",
    "address": "Postal address",
    "contact_form": "Contact form",
    "dpo": "Data protection officer",
    "eu_representative": "EU representative",
    "data_category": "Data collected",
    "data_source": "Sources",
    "purpose": "Purposes",
    "legal_basis": "Legal bases",
    "third_party": "Named third parties",
    "recipient_category": "Recipients",
    "retention": "Retention",
    "right": "Rights",
    "request_method": "How to exercise rights",
    "children": "Children",
    "student_data": "Student data",
    "dnt": "Do Not Track",
    "gpc": "Global Privacy Control",
    "transfer": "International transfers",
    "sale": "Sale of data",
    "shares_for_ads": "Sharing for advertising",
    "security": "Security measures",
    "policy_change": "Policy changes",
    "vague_term": "Vague wording",
}
_HIDDEN_FACTS = {"table_of_contents"}


def fact_text(kind: str, value) -> str:
    """A fact's value in a few words, for the facts panel."""
    if not isinstance(value, dict):
        return str(value)
    if kind == "retention":
        days = value.get("period_days")
        return (
            f"{days} days"
            if days
            else ("vague: " if value.get("vague") else "") + value.get("text", "")[:80]
        )
    if kind == "sale":
        return "says it sells" if value.get("sells") else "says it does not sell"
    if kind == "shares_for_ads":
        return "shares for advertising" if value.get("shares") else "does not share for advertising"
    if kind in ("dnt", "gpc"):
        return {"honors": "honoured", "does_not_honor": "not honoured"}.get(
            value.get("stance"), "mentioned"
        )
    if kind == "children":
        parts = [value.get("statement", "").replace("_", " ")]
        if value.get("min_age"):
            parts.append(f"age {value['min_age']}")
        if value.get("consent"):
            parts.append(f"consent: {value['consent']}")
        return ", ".join(p for p in parts if p)
    if kind == "transfer":
        safeguards = ", ".join(value.get("safeguards") or []) or "no safeguard named"
        countries = ", ".join(value.get("countries") or []) or value.get("outside") or "abroad"
        return f"{countries} ({safeguards})"
    if kind == "last_updated":
        return value.get("date", "")
    for key in (
        "name",
        "address",
        "number",
        "text",
        "url",
        "category",
        "purpose",
        "basis",
        "right",
        "method",
        "statement",
        "measure",
        "notice",
        "source",
        "term",
        "date",
    ):
        if value.get(key):
            return str(value[key]).replace("_", " ")
    return ", ".join(f"{k}: {v}" for k, v in value.items())


@dataclass(frozen=True)
class FactItem:
    text: str
    clause_id: int
    start: int
    end: int
    order: int  # the clause's, to load its page of the document when the fact is clicked


@dataclass(frozen=True)
class FactGroup:
    kind: str
    label: str
    items: list[FactItem]


def fact_groups(*, version: PolicyVersion) -> list[FactGroup]:
    """The version's facts grouped by kind in panel order; repeated values are shown once."""
    groups: dict[str, FactGroup] = {}
    seen: set[tuple[str, str]] = set()
    for fact in (
        version.facts.select_related("clause")
        .only("kind", "value", "start", "end", "clause_id", "clause__order")
        .order_by("start")
    ):
        if fact.kind in _HIDDEN_FACTS:
            continue
        text = fact_text(fact.kind, fact.value)
        if (fact.kind, text.lower()) in seen:
            continue
        seen.add((fact.kind, text.lower()))
        group = groups.setdefault(
            fact.kind,
            FactGroup(fact.kind, FACT_LABELS.get(fact.kind, fact.kind.replace("_", " ")), []),
        )
        group.items.append(FactItem(text, fact.clause_id, fact.start, fact.end, fact.clause.order))
    order = list(FACT_LABELS)
    return sorted(
        groups.values(), key=lambda g: order.index(g.kind) if g.kind in order else len(order)
    )


def version_export(*, version: PolicyVersion) -> dict:
    """The version's text, clauses (with categories) and facts as plain JSON data: the
    ``analyze --json`` entry (see docs/analyze-json.md) without the review parts."""
    from policies.extraction import facts as fact_extraction
    from policies.extraction.document import Fact as FactRecord

    text = version.text
    clauses = (
        Clause.objects.filter(version=version)
        .prefetch_related(
            Prefetch("predictions", queryset=Prediction.objects.order_by("-confidence"))
        )
        .order_by("order")
    )
    stored = [
        FactRecord(f.kind, f.value, f.clause_id, f.start, f.end)
        for f in version.facts.order_by("start", "kind")
    ]
    return {
        "policy_id": version.policy_id,
        "version_id": version.pk,
        "title": version.title,
        "text": text,
        "clauses": [
            {
                "id": c.pk,
                "order": c.order,
                "start": c.start,
                "end": c.end,
                "kind": c.kind,
                "heading": c.heading,
                "text": c.text_in(text),
                "categories": [
                    {"label": p.label, "confidence": round(p.confidence, 4)}
                    for p in c.predictions.all()
                ],
            }
            for c in clauses
        ],
        "facts": fact_extraction.facts_summary(stored, text),
    }


def approved_annotation_examples() -> list[tuple[str, str, list[str]]]:
    """People's approved clause labels as training examples: (text, heading, labels).

    The annotations live in apps built on this one (reviewer tags, adjudicated campaign gold);
    each registers a source in ``settings.POLICY_TRAINING_EXAMPLE_SOURCES`` (dotted paths), so
    ``policies`` does not import them.
    """
    from django.conf import settings
    from django.utils.module_loading import import_string

    examples: list[tuple[str, str, list[str]]] = []
    for path in settings.POLICY_TRAINING_EXAMPLE_SOURCES:
        examples.extend(import_string(path)())
    return examples
