"""End to end with a real Celery worker over the real Redis broker and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from policies import services
from policies.models import Clause, ExtractionRun
from tests.policies.test_services import POLICY

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def worker(transactional_db):
    """A worker process on a private queue, connected to the test database."""
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "-Q", queue, "--hostname", f"{queue}@%h"],
        cwd=BASE_DIR, env=env,
    )
    process.env_for_restart = env
    try:
        yield process
    finally:
        app.conf.task_default_queue = saved_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(run_id: int, seconds: float = 90) -> ExtractionRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ExtractionRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish in {seconds} s: {run.status} {run.stage}")


@pytest.mark.worker
def test_worker_processes_an_import_over_the_real_broker(worker, team, reviewer):
    outcome = services.policy_version_import(
        team=team, by=reviewer, data=POLICY.encode(), filename="acme.txt"
    )  # autocommit: the job is sent as soon as the import commits
    run = ExtractionRun.objects.get(pk=outcome.run.pk)
    assert run.enqueued_at is not None
    run = wait_for(run.pk)
    assert run.status == ExtractionRun.Status.SUCCEEDED, run.error
    assert run.progress == 100 and run.attempts == 1
    assert Clause.objects.filter(version=outcome.version).count() >= 6


@pytest.mark.worker
def test_a_run_queued_while_the_broker_was_down_is_picked_up_later(worker, team, reviewer, dead_broker_factory):
    with dead_broker_factory():
        outcome = services.policy_version_import(
            team=team, by=reviewer, data=POLICY.encode(), filename="late.txt"
        )
    run = ExtractionRun.objects.get(pk=outcome.run.pk)
    assert run.status == ExtractionRun.Status.QUEUED and run.enqueued_at is None
    ExtractionRun.objects.filter(pk=run.pk).update(created_at=run.created_at.replace(year=2020))
    assert services.runs_requeue_stale() == [run.pk]  # what the periodic task does
    assert wait_for(run.pk).status == ExtractionRun.Status.SUCCEEDED


@pytest.mark.worker
@pytest.mark.slow
def test_a_worker_killed_mid_job_loses_nothing(worker, team, reviewer):
    """SIGKILL the worker while it processes a large policy: the run stays 'running' with an old
    heartbeat, the requeue job hands it to a new worker, and it finishes (attempt 2)."""
    import signal
    from datetime import timedelta

    from django.utils import timezone

    big = "\n\n".join(POLICY.replace("Acme", f"Acme{i}") for i in range(600)).encode()
    outcome = services.policy_version_import(team=team, by=reviewer, data=big, filename="big.txt")
    deadline = time.monotonic() + 60
    while ExtractionRun.objects.get(pk=outcome.run.pk).status != ExtractionRun.Status.RUNNING:
        assert time.monotonic() < deadline, "the worker never started the run"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # The solo pool ran the task in the killed process; the run is orphaned mid-way.
    run = ExtractionRun.objects.get(pk=outcome.run.pk)
    assert run.status == ExtractionRun.Status.RUNNING and run.attempts == 1
    assert not Clause.objects.filter(version=outcome.version).exists()  # nothing half-written

    later = timezone.now() + timedelta(hours=1)  # as if the time limit had passed
    replacement = subprocess.Popen(worker.args, cwd=BASE_DIR, env=worker.env_for_restart)
    try:
        assert services.runs_requeue_stale(now=later) == [run.pk]
        run = wait_for(run.pk, seconds=180)
        assert run.status == ExtractionRun.Status.SUCCEEDED, run.error
        assert run.attempts == 2
        assert Clause.objects.filter(version=outcome.version).count() > 1000
    finally:
        replacement.terminate()
        replacement.wait(timeout=30)
