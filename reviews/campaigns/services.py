"""Every state change of annotation campaigns: campaigns, assignments, labels, adjudication,
training jobs and the OPP-115 import. Views, commands and tasks call these."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from policies import services as policy_services
from policies.extraction import pipeline
from policies.extraction.document import CATEGORIES
from policies.models import ClassifierModel, Clause, Policy, PolicyVersion, Section, Team
from reviews.campaigns import opp115, tasks
from reviews.campaigns.models import (
    Adjudication,
    AdjudicationEvent,
    Annotation,
    Assignment,
    Campaign,
    CampaignDocument,
    ClauseMark,
    Span,
    TrainingJob,
)

logger = logging.getLogger(__name__)


# --- campaigns and assignments ------------------------------------------------------------


def document_label(version: PolicyVersion) -> str:
    policy = version.policy
    return f"{policy} v{version.number}"[:300]


@transaction.atomic
def campaign_create(
    *,
    team: Team,
    by: AbstractBaseUser | None,
    name: str,
    guidelines: str = "",
    extra_labels: Sequence[str] = (),
    overlap: int = 2,
    blind: bool = True,
    hide_predictions: bool = False,
    versions: Iterable[PolicyVersion] = (),
    annotators: Iterable[AbstractBaseUser] = (),
    licence_restricted: bool = False,
) -> Campaign:
    """A campaign over ``versions`` (which must belong to ``team``), labelled with the OPP-115
    categories plus ``extra_labels``."""
    labels = list(CATEGORIES)
    for label in extra_labels:
        label = " ".join(label.split())[:80]
        if label and label not in labels:
            labels.append(label)
    campaign = Campaign(
        team=team,
        name=name.strip(),
        guidelines=guidelines,
        labels=labels,
        overlap=overlap,
        blind=blind,
        hide_predictions=hide_predictions,
        licence_restricted=licence_restricted,
        created_by=by,
    )
    campaign.full_clean()
    campaign.save()
    campaign_documents_add(campaign=campaign, versions=versions)
    campaign.annotators.set(list(annotators))
    return campaign


def campaign_documents_add(*, campaign: Campaign, versions: Iterable[PolicyVersion]) -> int:
    rows = []
    for version in versions:
        if version.policy.team_id != campaign.team_id:
            raise ValidationError(
                f"{version} belongs to another team than the campaign.", code="wrong_team"
            )
        rows.append(
            CampaignDocument(campaign=campaign, version=version, label=document_label(version))
        )
    return len(CampaignDocument.objects.bulk_create(rows, ignore_conflicts=True))


@transaction.atomic
def campaign_assign_balanced(*, campaign_id: int, by: AbstractBaseUser | None) -> list[Assignment]:
    """Give every document ``overlap`` annotators, each time choosing the annotators with the
    fewest assignments so far (ties by id), keeping existing assignments. Returns the new ones."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    annotators = list(campaign.annotators.order_by("pk"))
    if len(annotators) < campaign.overlap:
        raise ValidationError(
            f"The campaign needs at least {campaign.overlap} annotators for an overlap of "
            f"{campaign.overlap}; it has {len(annotators)}.",
            code="too_few_annotators",
        )
    load = dict.fromkeys((a.pk for a in annotators), 0)
    for row in campaign.assignments.values("annotator_id").annotate(n=Count("id")):
        if row["annotator_id"] in load:
            load[row["annotator_id"]] = row["n"]
    on_document: dict[int, set[int]] = {}
    for doc_id, user_id in campaign.assignments.values_list("document_id", "annotator_id"):
        on_document.setdefault(doc_id, set()).add(user_id)
    new = []
    for document in campaign.documents.order_by("pk"):
        have = on_document.get(document.pk, set())
        need = campaign.overlap - len(have)
        candidates = sorted((u for u in load if u not in have), key=lambda u: (load[u], u))
        for user_id in candidates[: max(need, 0)]:
            new.append(Assignment(campaign=campaign, document=document, annotator_id=user_id))
            load[user_id] += 1
    return Assignment.objects.bulk_create(new)


@transaction.atomic
def assignment_add(
    *,
    campaign: Campaign,
    document_id: int,
    annotator: AbstractBaseUser,
    by: AbstractBaseUser | None,
) -> Assignment:
    """Assign one document to one annotator by hand (the annotator joins the campaign)."""
    document = campaign.documents.filter(pk=document_id).first()
    if document is None:
        raise ValidationError("No such document in this campaign.", code="not_found")
    if Assignment.objects.filter(document=document, annotator=annotator).exists():
        raise ValidationError(f"{annotator} already has this document.", code="duplicate")
    campaign.annotators.add(annotator)
    return Assignment.objects.create(campaign=campaign, document=document, annotator=annotator)


@transaction.atomic
def assignment_remove(*, assignment_id: int, by: AbstractBaseUser | None) -> None:
    """Take a document back from an annotator; their labels on it are kept (not deleted)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
    if assignment.is_done:
        raise ValidationError("A finished assignment cannot be removed.", code="done")
    assignment.delete()


def _require_own_open(assignment: Assignment, by: AbstractBaseUser) -> None:
    if assignment.annotator_id != by.pk:
        raise PermissionDenied("Only the assigned annotator labels this document.")
    if assignment.is_done:
        raise ValidationError(
            "This document is marked done; reopen it to change labels.", code="done"
        )


def _clause_of(assignment: Assignment, clause_id: int) -> Clause:
    clause = Clause.objects.filter(pk=clause_id, version_id=assignment.document.version_id).first()
    if clause is None:
        raise ValidationError("This clause is not in the assigned document.", code="not_found")
    return clause


def _mark_judged(assignment: Assignment, clause: Clause) -> ClauseMark:
    mark, _ = ClauseMark.objects.get_or_create(
        campaign_id=assignment.campaign_id, clause=clause, annotator_id=assignment.annotator_id
    )
    return mark


@transaction.atomic
def annotation_toggle(
    *, assignment: Assignment, clause_id: int, label: str, by: AbstractBaseUser
) -> bool:
    """Add the label to the clause if absent, remove it if present. Returns whether it is on."""
    _require_own_open(assignment, by)
    if label not in assignment.campaign.labels:
        raise ValidationError(f"{label!r} is not a label of this campaign.", code="bad_label")
    clause = _clause_of(assignment, clause_id)
    _mark_judged(assignment, clause)
    existing = Annotation.objects.filter(
        campaign_id=assignment.campaign_id, clause=clause, annotator=by, label=label
    )
    if existing.exists():
        existing.delete()
        return False
    try:
        with transaction.atomic():
            Annotation.objects.create(
                campaign_id=assignment.campaign_id, clause=clause, annotator=by, label=label
            )
    except IntegrityError:
        pass  # a double key press raced us; the label is on either way
    return True


@transaction.atomic
def clause_mark_set(
    *,
    assignment: Assignment,
    clause_id: int,
    by: AbstractBaseUser,
    comment: str | None = None,
    unsure: bool | None = None,
) -> ClauseMark:
    """Set the annotator's comment and/or "not sure" flag on a clause (None leaves it)."""
    _require_own_open(assignment, by)
    mark = _mark_judged(assignment, _clause_of(assignment, clause_id))
    fields = []
    if comment is not None:
        mark.comment = comment.strip()[:2000]
        fields.append("comment")
    if unsure is not None:
        mark.unsure = unsure
        fields.append("unsure")
    if fields:
        mark.save(update_fields=[*fields, "updated_at"])
    return mark


@transaction.atomic
def clause_judge(*, assignment: Assignment, clause_id: int, by: AbstractBaseUser) -> ClauseMark:
    """Record that the annotator looked at the clause (so "no labels" counts as a rating)."""
    _require_own_open(assignment, by)
    return _mark_judged(assignment, _clause_of(assignment, clause_id))


@transaction.atomic
def span_add(
    *,
    assignment: Assignment,
    clause_id: int,
    label: str,
    start: int,
    end: int,
    by: AbstractBaseUser,
) -> Span:
    """Highlight ``version.text[start:end]`` (inside the clause) as evidence for a label; the
    label is switched on if it was not."""
    _require_own_open(assignment, by)
    if label not in assignment.campaign.labels:
        raise ValidationError(f"{label!r} is not a label of this campaign.", code="bad_label")
    clause = _clause_of(assignment, clause_id)
    if not (clause.start <= start < end <= clause.end):
        raise ValidationError("The highlight must lie inside the clause.", code="bad_span")
    _mark_judged(assignment, clause)
    annotation, _ = Annotation.objects.get_or_create(
        campaign_id=assignment.campaign_id, clause=clause, annotator=by, label=label
    )
    span = Span(annotation=annotation, start=start, end=end)
    span.full_clean()
    span.save()
    return span


@transaction.atomic
def span_delete(*, assignment: Assignment, span_id: int, by: AbstractBaseUser) -> None:
    _require_own_open(assignment, by)
    deleted, _ = Span.objects.filter(
        pk=span_id,
        annotation__annotator=by,
        annotation__campaign_id=assignment.campaign_id,
        annotation__clause__version_id=assignment.document.version_id,
    ).delete()
    if not deleted:
        raise ValidationError("No such highlight.", code="not_found")


@transaction.atomic
def assignment_done(*, assignment_id: int, by: AbstractBaseUser) -> Assignment:
    """Mark the document done: every clause now counts as judged (unlabelled = none apply)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
    if assignment.annotator_id != by.pk:
        raise PermissionDenied("Only the assigned annotator finishes this document.")
    if not assignment.is_done:
        assignment.done_at = timezone.now()
        assignment.save(update_fields=["done_at"])
    return assignment


@transaction.atomic
def assignment_reopen(*, assignment_id: int, by: AbstractBaseUser) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
    if assignment.annotator_id != by.pk:
        raise PermissionDenied("Only the assigned annotator reopens this document.")
    assignment.done_at = None
    assignment.save(update_fields=["done_at"])
    return assignment


# --- adjudication ---------------------------------------------------------------------------


@transaction.atomic
def adjudication_decide(
    *,
    campaign: Campaign,
    clause_id: int,
    by: AbstractBaseUser,
    kind: str,
    labels: Sequence[str],
    note: str = "",
) -> Adjudication:
    """Settle a clause's gold labels. ``kind`` says how (accepted one side, merged, new); a
    new label set needs a note. Every decision is appended to ``AdjudicationEvent``."""
    if kind not in Adjudication.Kind.values:
        raise ValidationError("Unknown kind of decision.", code="bad_kind")
    bad = [label for label in labels if label not in campaign.labels]
    if bad:
        raise ValidationError(f"Not labels of this campaign: {', '.join(bad)}", code="bad_label")
    if kind == Adjudication.Kind.NEW and not note.strip():
        raise ValidationError("Say why in a note when setting new labels.", code="note_required")
    if not Clause.objects.filter(
        pk=clause_id, version__in=campaign.documents.values("version")
    ).exists():
        raise ValidationError("This clause is not in the campaign.", code="not_found")
    ordered = [label for label in campaign.labels if label in set(labels)]
    existing = (
        Adjudication.objects.select_for_update()
        .filter(campaign=campaign, clause_id=clause_id)
        .first()
    )
    previous = list(existing.labels) if existing else None
    now = timezone.now()
    if existing is None:
        existing = Adjudication(campaign=campaign, clause_id=clause_id)
    existing.labels, existing.kind, existing.note = ordered, kind, note.strip()
    existing.decided_by, existing.decided_at = by, now
    existing.save()
    AdjudicationEvent.objects.create(
        campaign=campaign,
        clause_id=clause_id,
        actor=by,
        kind=kind,
        labels=ordered,
        previous_labels=previous,
        note=note.strip(),
    )
    return existing


# --- training -------------------------------------------------------------------------------


@transaction.atomic
def training_job_start(
    *,
    team: Team,
    by: AbstractBaseUser | None,
    campaigns: Sequence[Campaign],
    include_corpus: bool = False,
    heldout_percent: int = 20,
) -> TrainingJob:
    """Queue training a classifier from the gold of ``campaigns``; sent to the broker after
    commit (a dead broker leaves it queued, as extraction runs do)."""
    if not campaigns:
        raise ValidationError("Choose at least one campaign.", code="no_campaigns")
    if any(c.team_id != team.pk for c in campaigns):
        raise ValidationError("All campaigns must belong to the team.", code="wrong_team")
    job = TrainingJob(
        team=team, include_corpus=include_corpus, heldout_percent=heldout_percent, created_by=by
    )
    job.full_clean()
    job.save()
    job.campaigns.set(campaigns)
    transaction.on_commit(partial(training_job_enqueue, job_id=job.pk))
    return job


def training_job_enqueue(*, job_id: int) -> bool:
    try:
        if not policy_services.broker_reachable():
            raise OSError("the Redis broker does not accept connections")
        tasks.train_from_gold.apply_async((job_id,), retry=False)
    except (policy_services.BrokerError, OSError) as exc:
        logger.warning("Broker unreachable; training job %s stays queued: %s", job_id, exc)
        TrainingJob.objects.filter(pk=job_id).update(stage="waiting for the queue")
        return False
    return True


def heldout_document(document_key: str, percent: int) -> bool:
    """Whether a document is held out from training (stable hash of its key)."""
    return zlib.crc32(document_key.encode("utf-8")) % 100 < percent


def training_job_execute(*, job_id: int) -> TrainingJob:
    """Train, register and compare. Idempotent: a finished job is left alone."""
    from policies import classifiers
    from policies.extraction import training
    from reviews.campaigns import selectors

    with transaction.atomic():
        job = TrainingJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        job.status, job.started_at = TrainingJob.Status.RUNNING, timezone.now()
        job.stage, job.progress, job.error = "collecting gold", 5, ""
        job.save(update_fields=["status", "started_at", "stage", "progress", "error"])

    def progress(stage: str, percent: int) -> None:
        TrainingJob.objects.filter(pk=job.pk).update(stage=stage, progress=percent)

    try:
        campaigns = list(job.campaigns.all())
        gold = selectors.gold_examples(campaigns=campaigns)
        train = [e for e in gold if not heldout_document(e.document, job.heldout_percent)]
        held = [e for e in gold if heldout_document(e.document, job.heldout_percent)]
        if not held and len({e.document for e in gold}) > 1:
            # Too few documents for the hash to hold any out: hold out the last one.
            last = sorted({e.document for e in gold})[-1]
            train = [e for e in gold if e.document != last]
            held = [e for e in gold if e.document == last]
        val: list = []
        corpus_size = 0
        if job.include_corpus:
            authored, _problems = training.load_corpus()
            authored_train, val = training.holdout_split(authored)
            corpus_size = len(authored)
            train = train + authored_train
        if not train:
            raise ValidationError("There is no gold to train on yet.", code="no_gold")
        progress("training", 20)
        summary = {
            "source": "campaign gold" + (" + authored corpus" if job.include_corpus else ""),
            "campaigns": [c.name for c in campaigns],
            "gold_clauses": len(gold),
            "train_documents": len({e.document for e in train if e.document.startswith("v")}),
            "heldout_documents": len({e.document for e in held}),
            "heldout_clauses": len(held),
            "authored_clauses": corpus_size,
            "training_job": job.pk,
        }
        model = training.fit(train, val, name="gold", summary=summary)
        progress("evaluating", 80)
        current = classifiers.active()
        comparison = {
            "heldout_clauses": len(held),
            "new": training.evaluate(model, held, "heldout") if held else None,
            "current": training.evaluate(current, held, "heldout") if held else None,
        }
        metrics = {"heldout": comparison["new"]} if held else {}
        progress("registering", 95)
        with transaction.atomic():
            restricted = any(c.licence_restricted for c in campaigns)
            registered = ClassifierModel.objects.filter(version=model.version).first()
            if registered is None:
                registered = policy_services.classifier_model_register(
                    classifier=model,
                    training_summary=summary,
                    metrics=metrics,
                    by=job.created_by,
                    licence_restricted=restricted,
                )
            job.model, job.baseline_version, job.comparison = (
                registered,
                current.version,
                comparison,
            )
            job.status, job.stage, job.progress = TrainingJob.Status.SUCCEEDED, "done", 100
            job.finished_at = timezone.now()
            job.save(
                update_fields=[
                    "model",
                    "baseline_version",
                    "comparison",
                    "status",
                    "stage",
                    "progress",
                    "finished_at",
                ]
            )
    except Exception as exc:
        logger.exception("Training job %s failed", job.pk)
        job.status, job.finished_at = TrainingJob.Status.FAILED, timezone.now()
        job.error = (
            " ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else policy_services.describe_failure(exc)
        )
        job.save(update_fields=["status", "finished_at", "error"])
    return job


# --- OPP-115 import -------------------------------------------------------------------------


def opp115_import(
    *,
    root: Path,
    campaign_name: str,
    team: Team,
    by: AbstractBaseUser | None = None,
    limit: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Campaign:
    """Import OPP-115 as a campaign: a policy version per corpus policy whose clauses are its
    segments, three done assignments per policy and each annotator's categories per segment.

    Corpus annotators become inactive users ``opp115-<id>`` (they cannot sign in). The campaign
    is licence-restricted: models trained on it can never be promoted.
    """
    names = opp115.policy_names(root)
    if limit:
        names = names[:limit]
    if not names:
        raise ValidationError(f"No OPP-115 policies found under {root}.", code="empty")
    if Campaign.objects.filter(name=campaign_name).exists():
        raise ValidationError(f"A campaign named {campaign_name!r} exists.", code="duplicate")
    campaign = campaign_create(
        team=team,
        by=by,
        name=campaign_name,
        overlap=3,
        blind=True,
        hide_predictions=True,
        licence_restricted=True,
        guidelines=(
            "Imported from the OPP-115 corpus (Wilson et al., ACL 2016; research use only). "
            "Each segment is one clause; each annotator's rating is the set of categories "
            "they annotated at least one data practice of in it."
        ),
    )
    users: dict[str, AbstractBaseUser] = {}
    for i, name in enumerate(names):
        _opp115_import_policy(root, name, campaign, team, by, users)
        if progress:
            progress(i + 1, len(names), name)
    campaign.annotators.set(list(users.values()))
    return campaign


@transaction.atomic
def _opp115_import_policy(
    root: Path, name: str, campaign: Campaign, team: Team, by, users: dict
) -> None:
    record = opp115.read_policy(root, name)
    policy, _ = Policy.objects.get_or_create(
        team=team, vendor="OPP-115", name=name[:200], defaults={"created_by": by}
    )
    digest = policy_services.content_hash(record.text)
    version = policy.versions.filter(content_hash=digest).first()
    if version is None:
        raw = (Path(root) / "sanitized_policies" / f"{name}.html").read_bytes()
        number = (policy.versions.count() or 0) + 1
        version = PolicyVersion.objects.create(
            policy=policy,
            number=number,
            text=record.text,
            content_hash=digest,
            original=raw,
            original_name=f"{name}.html"[:255],
            media_type="text/html",
            size=len(raw),
            title=name,
            created_by=by,
        )
        section = Section.objects.create(
            version=version, order=0, heading="", level=0, start=0, end=max(len(record.text), 1)
        )
        Clause.objects.bulk_create(
            Clause(
                version=version,
                section=section,
                order=s.index,
                kind=Clause.Kind.PARAGRAPH,
                heading_path=[s.heading] if s.heading else [],
                start=s.start,
                end=s.end,
                fingerprint=pipeline.fingerprint(record.text[s.start : s.end]),
            )
            for s in record.segments
        )
    document = CampaignDocument.objects.create(campaign=campaign, version=version, label=name[:300])
    clause_ids = dict(version.clauses.values_list("order", "pk"))
    now = timezone.now()
    annotations, marks = [], []
    for annotator_id, per_segment in record.ratings.items():
        user = users.get(annotator_id) or _opp115_user(annotator_id)
        users[annotator_id] = user
        Assignment.objects.create(campaign=campaign, document=document, annotator=user, done_at=now)
        for segment, categories in per_segment.items():
            clause_id = clause_ids.get(segment)
            if clause_id is None:
                continue
            marks.append(ClauseMark(campaign=campaign, clause_id=clause_id, annotator=user))
            annotations.extend(
                Annotation(campaign=campaign, clause_id=clause_id, annotator=user, label=c)
                for c in sorted(categories)
                if c in campaign.labels
            )
    Annotation.objects.bulk_create(annotations, ignore_conflicts=True)
    ClauseMark.objects.bulk_create(marks, ignore_conflicts=True)


def _opp115_user(annotator_id: str) -> AbstractBaseUser:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=f"opp115-{annotator_id}"[:150], defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
