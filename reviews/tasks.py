"""Celery tasks of the reviews app: thin wrappers taking ids (progress lives on ReportBuild)."""

from celery import shared_task

from reviews import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=600)
def build_report(build_id: int) -> None:
    """Freeze and render the report of an approved review. Idempotent: redelivery is safe."""
    services.report_build_execute(build_id=build_id)
