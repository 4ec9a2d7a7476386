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
