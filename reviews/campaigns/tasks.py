"""Celery tasks of campaigns: thin wrappers taking ids (progress lives on TrainingJob)."""

from celery import shared_task

# Training on a few thousand clauses takes about a minute; the limit leaves room for larger
# gold sets while stopping a runaway job.
TRAINING_TIME_LIMIT_SECONDS = 1800


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=TRAINING_TIME_LIMIT_SECONDS,
    time_limit=TRAINING_TIME_LIMIT_SECONDS + 60,
)
def train_from_gold(job_id: int) -> None:
    """Train a classifier from campaign gold. Idempotent: a finished job is left alone."""
    from reviews.campaigns import services

    services.training_job_execute(job_id=job_id)
