"""Every state change of the policies app: importing, running and retrying extraction.

Views, commands and tasks call these; they call the pure stages in ``policies.extraction``.
"""

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from policies import classifiers, tasks
from policies.extraction import facts, pipeline, readers
from policies.extraction.document import ClauseInput, Fact as FactRecord, Segmentation
from policies.models import (
    ClassifierModel,
    Clause,
    ExtractionRun,
    Fact,
    Policy,
    PolicyVersion,
    Prediction,
    Section,
    Team,
)

logger = logging.getLogger(__name__)

# Errors that mean "the broker is not reachable now": the run stays queued and is sent later.
try:
    from kombu.exceptions import OperationalError as BrokerError
except ImportError:  # pragma: no cover - kombu always comes with celery
    BrokerError = OSError


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file of an import, for pages and the command-line summary."""

    filename: str
    status: str  # "imported" | "unchanged" | "failed"
    version: PolicyVersion | None = None
    run: ExtractionRun | None = None
    error: str = ""


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_policy_name(filename: str) -> str:
    """A stable name from a file name, so re-importing the same file finds the same policy."""
    stem = filename.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    words = stem.replace("_", " ").replace("-", " ").split()
    # "northwind-meetings" -> "Northwind Meetings"; "ACME_EULA" keeps its capitals.
    name = " ".join(w[:1].upper() + w[1:] if w.islower() else w for w in words)
    return name[:200] or "Untitled policy"


def policy_version_import(
    *,
    team: Team,
    by: AbstractBaseUser | None,
    data: bytes,
    filename: str,
    vendor: str = "",
    name: str = "",
    source_url: str = "",
    tags: Sequence[str] = (),
    enqueue: bool = True,
) -> ImportOutcome:
    """Read one file and store it as a new version of its policy, unless the text is unchanged.

    The policy is found by (team, vendor, name), name defaulting to the file name. Raises
    ``ValidationError`` (code ``unreadable``) naming the reason when the file cannot be read;
    nothing is written then. Extraction is enqueued once the transaction commits.
    """
    try:
        result = readers.read_document(
            data, filename, max_bytes=settings.POLICY_MAX_UPLOAD_BYTES
        )
    except readers.ReadError as exc:
        raise ValidationError(str(exc), code="unreadable") from exc
    policy_name = (name or default_policy_name(filename)).strip()[:200]
    digest = content_hash(result.text)
    found = facts.find_last_updated(result.text)
    for attempt in range(2):
        try:
            with transaction.atomic():
                policy = _policy_lock_or_create(
                    team=team, by=by, vendor=vendor.strip(), name=policy_name,
                    source_url=source_url, tags=tags,
                )
                if policy.versions.filter(content_hash=digest).exists():
                    existing = policy.versions.get(content_hash=digest)
                    return ImportOutcome(filename, "unchanged", version=existing)
                number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
                version = PolicyVersion(
                    policy=policy,
                    number=number,
                    text=result.text,
                    content_hash=digest,
                    original=data,
                    original_name=filename[:255],
                    media_type=result.media_type,
                    size=len(data),
                    title=result.title[:300],
                    effective_date=found[0] if found else None,
                    blocks=pipeline.blocks_to_json(result.blocks),
                    reader_warnings=list(result.warnings),
                    created_by=by,
                )
                version.full_clean(exclude=["original"])
                version.save()
                policy.save(update_fields=["updated_at"])
                run = extraction_run_create(version=version, by=by, enqueue=enqueue)
                return ImportOutcome(filename, "imported", version=version, run=run)
        except IntegrityError:
            # Two imports created the same policy at once; the second attempt finds it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _policy_lock_or_create(
    *, team: Team, by, vendor: str, name: str, source_url: str, tags: Sequence[str]
) -> Policy:
    policy = (
        Policy.objects.select_for_update()
        .filter(team=team, vendor__iexact=vendor, name__iexact=name)
        .first()
    )
    if policy is not None:
        return policy
    policy = Policy(
        team=team, vendor=vendor, name=name, source_url=source_url,
        tags=[t.strip()[:50] for t in tags if t.strip()], created_by=by,
    )
    policy.full_clean(validate_constraints=False)
    policy.save()
    return policy


def policies_import_files(
    *,
    team: Team,
    by: AbstractBaseUser | None,
    files: Sequence[tuple[str, bytes]],
    vendor: str = "",
    name: str = "",
    source_url: str = "",
    tags: Sequence[str] = (),
) -> list[ImportOutcome]:
    """Import several files, each on its own: one unreadable file does not stop the others.

    ``name`` applies only when a single file is imported (several files are several policies).
    """
    outcomes = []
    for filename, data in files:
        try:
            outcomes.append(
                policy_version_import(
                    team=team, by=by, data=data, filename=filename, vendor=vendor,
                    name=name if len(files) == 1 else "", source_url=source_url, tags=tags,
                )
            )
        except ValidationError as exc:
            outcomes.append(ImportOutcome(filename, "failed", error=" ".join(exc.messages)))
    return outcomes


def extraction_run_create(
    *, version: PolicyVersion, by: AbstractBaseUser | None = None, enqueue: bool = True
) -> ExtractionRun:
    """Queue a pipeline run for a version; the job is sent to the broker after commit.

    ``enqueue=False`` is for callers that execute the run in process (``analyze``).
    """
    run = ExtractionRun(
        version=version,
        pipeline_version=pipeline.PIPELINE_VERSION,
        created_by=by,
    )
    run.full_clean(validate_constraints=False)
    run.save()
    if enqueue:
        transaction.on_commit(partial(extraction_run_enqueue, run_id=run.pk))
    return run


def extraction_run_enqueue(*, run_id: int) -> bool:
    """Send the job to the broker. Returns False (and leaves the run queued) when it is down.

    We do not use ``delay_on_commit`` alone because a dead broker must not fail the import:
    the periodic ``requeue_stale_runs`` task sends the run again once the broker is back.
    """
    try:
        if not broker_reachable():
            raise BrokerError("the Redis broker does not accept connections")
        tasks.extract_version.apply_async((run_id,), retry=False)
    except (BrokerError, OSError) as exc:
        logger.warning("Broker unreachable; run %s stays queued: %s", run_id, exc)
        return False
    ExtractionRun.objects.filter(pk=run_id, status=ExtractionRun.Status.QUEUED).update(
        enqueued_at=timezone.now()
    )
    return True


def broker_reachable(timeout: float = 0.5) -> bool:
    """A quick connect to the broker. redis-py retries a refused connection for seconds before
    giving up, which would hold an import request that long when Redis is down."""
    url = urlsplit(tasks.extract_version.app.conf.broker_url)
    try:
        if url.scheme.endswith("socket"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(url.path)
        else:
            socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout).close()
    except OSError:
        return False
    return True


@transaction.atomic
def extraction_run_retry(*, run_id: int, by: AbstractBaseUser | None) -> ExtractionRun:
    """Start a new run for the version of a failed run."""
    failed = ExtractionRun.objects.select_for_update().get(pk=run_id)
    if failed.status != ExtractionRun.Status.FAILED:
        raise ValidationError("Only a failed run can be retried.", code="bad_status")
    if ExtractionRun.objects.active().filter(version_id=failed.version_id).exists():
        raise ValidationError("This version is already being processed.", code="already_active")
    return extraction_run_create(version=failed.version, by=by)


def runs_requeue_stale(*, now=None) -> list[int]:
    """Send again the runs the broker never got or whose worker vanished. Returns their ids.

    - queued and never enqueued (broker was down at import), or enqueued long ago and still
      not started (message lost);
    - running with no heartbeat for longer than the time limit (worker killed): set back to
      queued, keeping the attempt count.
    """
    now = now or timezone.now()
    stale_after = timedelta(seconds=settings.EXTRACTION_REQUEUE_AFTER_SECONDS)
    lost_after = timedelta(seconds=settings.EXTRACTION_TIME_LIMIT_SECONDS + 60)
    queued = ExtractionRun.objects.filter(status=ExtractionRun.Status.QUEUED)
    candidates = list(
        queued.filter(enqueued_at__isnull=True, created_at__lt=now - timedelta(seconds=5))
        .union(queued.filter(enqueued_at__lt=now - stale_after))
        .values_list("pk", flat=True)
    )
    lost = ExtractionRun.objects.filter(
        status=ExtractionRun.Status.RUNNING, heartbeat_at__lt=now - lost_after
    )
    for run_id in lost.values_list("pk", flat=True):
        if lost.filter(pk=run_id).update(status=ExtractionRun.Status.QUEUED, stage="requeued"):
            candidates.append(run_id)
    return [run_id for run_id in sorted(set(candidates)) if extraction_run_enqueue(run_id=run_id)]


# --- execution -------------------------------------------------------------------------------

ProgressCallback = Callable[[str, int], None]


def extraction_run_execute(*, run_id: int) -> ExtractionRun:
    """Run the whole pipeline for one run. Idempotent: a finished run is left alone, a rerun
    replaces the version's machine outputs, so running twice yields the same rows.

    Progress is written in small autocommitted updates; all outputs are written in one
    transaction at the end, so a failure leaves the previous outputs intact.
    """
    run = _run_claim(run_id)
    if run is None:
        return ExtractionRun.objects.get(pk=run_id)
    version = run.version

    def progress(stage: str, percent: int) -> None:
        ExtractionRun.objects.filter(pk=run.pk).update(
            stage=stage, progress=percent, heartbeat_at=timezone.now()
        )

    try:
        progress("segmenting", 10)
        segmentation = pipeline.segment_text(version.text, pipeline.blocks_from_json(version.blocks))
        progress("classifying", 35)
        classifier = classifiers.active()
        unsaved = pipeline.classify_clauses(
            pipeline.clause_inputs(version.text, segmentation), classifier
        )
        progress("extracting facts", 65)
        found = facts.extract_facts(version.text, unsaved)
        progress("checking requirements", 85)
        with transaction.atomic():
            clause_ids = _segmentation_store(version, segmentation)
            clauses = [replace(c, id=clause_ids[c.order]) for c in unsaved]
            stored_facts = [
                FactRecord(f.kind, f.value, clause_ids[f.clause_id], f.start, f.end) for f in found
            ]
            _predictions_store(run, clauses, classifier.version)
            _facts_store(run, stored_facts)
            for path in settings.POLICY_PIPELINE_EXTRA_STAGES:
                import_string(path)(run=run, version=version, clauses=clauses, facts=stored_facts)
            run.status = ExtractionRun.Status.SUCCEEDED
            run.stage, run.progress, run.error = "done", 100, ""
            run.model_version = classifier.version
            run.finished_at = run.heartbeat_at = timezone.now()
            run.save(update_fields=[
                "status", "stage", "progress", "error", "model_version", "finished_at",
                "heartbeat_at",
            ])
    except Exception as exc:
        logger.exception("Extraction run %s failed", run.pk)
        return _run_fail(run, exc)
    return run


def _run_claim(run_id: int) -> ExtractionRun | None:
    """Mark the run running, or return None when another delivery owns it or it is finished."""
    fresh_after = timezone.now() - timedelta(seconds=settings.EXTRACTION_TIME_LIMIT_SECONDS + 60)
    with transaction.atomic():
        run = ExtractionRun.objects.select_for_update().select_related("version").get(pk=run_id)
        if run.is_finished:
            return None
        if (
            run.status == ExtractionRun.Status.RUNNING
            and run.heartbeat_at
            and run.heartbeat_at > fresh_after
        ):
            return None  # a live worker is on it (a duplicate delivery)
        now = timezone.now()
        run.status = ExtractionRun.Status.RUNNING
        run.attempts += 1
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.stage, run.progress, run.error = "starting", 5, ""
        run.save(update_fields=[
            "status", "attempts", "started_at", "heartbeat_at", "stage", "progress", "error"
        ])
        return run


def _run_fail(run: ExtractionRun, exc: BaseException) -> ExtractionRun:
    run.status = ExtractionRun.Status.FAILED
    run.error = describe_failure(exc)
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def describe_failure(exc: BaseException) -> str:
    """A sentence a reviewer can act on; the traceback goes to the log, not the page."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return (
            f"Processing took longer than {settings.EXTRACTION_TIME_LIMIT_SECONDS} seconds and "
            "was stopped. The document may be unusually large; retry, or split it."
        )
    return (
        f"Processing failed at an internal step ({type(exc).__name__}). The original file is "
        "kept; retry, and if it fails again report it with the policy's name."
    )


def _segmentation_store(version: PolicyVersion, segmentation: Segmentation) -> dict[int, int]:
    """Store sections and clauses, keeping existing rows when the segmentation is unchanged so
    that people's work pointing at clauses survives a rerun. Returns clause order -> id."""
    existing = list(version.clauses.order_by("order").values_list("order", "start", "end", "kind", "pk"))
    wanted = [(c.order, c.start, c.end, c.kind) for c in segmentation.clauses]
    if [row[:4] for row in existing] == wanted:
        return {row[0]: row[4] for row in existing}
    version.sections.all().delete()
    sections = Section.objects.bulk_create(
        Section(
            version=version, order=s.order, heading=s.heading, level=s.level,
            heading_path=list(s.heading_path), start=s.start, end=s.end,
        )
        for s in segmentation.sections
    )
    section_ids = {s.order: s.pk for s in sections}
    text = version.text
    clauses = Clause.objects.bulk_create(
        Clause(
            version=version, section_id=section_ids[c.section], order=c.order, kind=c.kind,
            heading_path=list(c.heading_path), start=c.start, end=c.end,
            fingerprint=pipeline.fingerprint(text[c.start : c.end]),
        )
        for c in segmentation.clauses
    )
    return {c.order: c.pk for c in clauses}


def _predictions_store(run: ExtractionRun, clauses: Sequence[ClauseInput], model_version: str) -> None:
    Prediction.objects.filter(clause__version_id=run.version_id).delete()
    Prediction.objects.bulk_create(
        Prediction(
            clause_id=c.id, run=run, label=label, confidence=min(1.0, max(0.0, float(conf))),
            model_version=model_version,
        )
        for c in clauses
        for label, conf in c.categories.items()
    )


def _facts_store(run: ExtractionRun, found: Sequence[FactRecord]) -> None:
    Fact.objects.filter(version_id=run.version_id).delete()
    Fact.objects.bulk_create(
        Fact(
            version_id=run.version_id, run=run, clause_id=f.clause_id, kind=f.kind,
            value=f.value, start=f.start, end=f.end,
        )
        for f in found
    )


# --- classifier registry ---------------------------------------------------------------------


def classifier_model_register(
    *,
    classifier,
    training_summary: dict,
    metrics: dict,
    by: AbstractBaseUser | None,
    licence_restricted: bool = False,
) -> ClassifierModel:
    """Store a trained classifier in the registry (not promoted)."""
    model = ClassifierModel(
        version=classifier.version,
        meta=classifier.meta,
        arrays=classifiers.to_npz_bytes(classifier),
        training_summary=training_summary,
        metrics=metrics,
        licence_restricted=licence_restricted,
        created_by=by,
    )
    model.full_clean(exclude=["arrays"])
    model.save()
    return model


@transaction.atomic
def classifier_model_promote(*, model_id: int, by: AbstractBaseUser | None) -> ClassifierModel:
    """Make a model the one new runs use; the previously promoted one steps down."""
    models_ = list(ClassifierModel.objects.select_for_update().order_by("pk").filter(
        Q(pk=model_id) | Q(is_promoted=True)
    ))
    model = next((m for m in models_ if m.pk == model_id), None)
    if model is None:
        raise ValidationError("No such model.", code="not_found")
    if model.licence_restricted:
        raise ValidationError(
            "This model was trained on data the product may not ship; it cannot be promoted.",
            code="restricted",
        )
    ClassifierModel.objects.filter(is_promoted=True).exclude(pk=model_id).update(is_promoted=False)
    model.is_promoted, model.promoted_at, model.promoted_by = True, timezone.now(), by
    model.save(update_fields=["is_promoted", "promoted_at", "promoted_by"])
    return model


@transaction.atomic
def classifier_model_demote_all(*, by: AbstractBaseUser | None) -> None:
    """Back to the shipped default model (the one-click rollback when nothing else was promoted)."""
    ClassifierModel.objects.select_for_update().filter(is_promoted=True).update(is_promoted=False)


@transaction.atomic
def classifier_model_rollback(*, by: AbstractBaseUser | None) -> ClassifierModel | None:
    """Promote the model promoted before the current one (or the shipped default if none)."""
    current = ClassifierModel.objects.select_for_update().filter(is_promoted=True).first()
    previous = (
        ClassifierModel.objects.filter(promoted_at__isnull=False, licence_restricted=False)
        .exclude(pk=current.pk if current else None)
        .order_by("-promoted_at")
        .first()
    )
    if previous is None:
        classifier_model_demote_all(by=by)
        return None
    return classifier_model_promote(model_id=previous.pk, by=by)
