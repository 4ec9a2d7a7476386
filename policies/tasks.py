"""Celery tasks: thin wrappers that take ids and call services (progress lives on the run)."""

from celery import shared_task
from django.conf import settings

from policies import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=settings.EXTRACTION_TIME_LIMIT_SECONDS,
    time_limit=settings.EXTRACTION_TIME_LIMIT_SECONDS + 30,
)
def extract_version(run_id: int) -> None:
    """Run the pipeline for one ExtractionRun. Idempotent, so redelivery is safe."""
    services.extraction_run_execute(run_id=run_id)


@shared_task(ignore_result=True)
def requeue_stale_runs() -> None:
    """Periodic: send again the runs the broker never got or whose worker died."""
    services.runs_requeue_stale()
