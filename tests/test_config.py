"""Configuration: production mode passes Django's deploy checks; the launcher's embedded
servers start, answer and stop (what `start` uses when no DATABASE_URL/REDIS_URL is given)."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]


def load_launcher():
    spec = importlib.util.spec_from_file_location("launcher_under_test", BASE_DIR / "config" / "launcher.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_settings_pass_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "review.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_launcher_prefers_python_312_or_newer():
    launcher = load_launcher()
    python = launcher.find_python()
    assert launcher._python_version(python) >= (3, 12)


def test_launcher_redacts_passwords_in_urls():
    launcher = load_launcher()
    assert launcher._redact("postgres://app:s3cret@db:5432/x") == "postgres://app:***@db:5432/x"
    assert launcher._redact("postgres://app@db/x") == "postgres://app@db/x"


@pytest.mark.slow
def test_embedded_postgres_and_redis_start_answer_and_stop(tmp_path, monkeypatch):
    import psycopg
    import redis

    launcher = load_launcher()
    monkeypatch.setattr(launcher, "BASE_DIR", tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    services = launcher.Services()
    try:
        db_url = services.database(prefer_local=False, data_dir=tmp_path / "pg", database="demo")
        broker = services.broker(prefer_local=False, data_dir=tmp_path / "redis", db=0)
        with psycopg.connect(db_url) as conn:
            assert conn.execute("select current_database()").fetchone()[0] == "demo"
        socket_path = broker.split("://", 1)[1].split("?", 1)[0]
        client = redis.Redis(unix_socket_path=socket_path)
        client.set("k", "v")
        assert client.get("k") == b"v"
        redis_pid = services._redis.pid
    finally:
        services.stop()
    assert not launcher.is_running(redis_pid)  # the embedded Redis is gone
    assert (tmp_path / "redis" / "redis.db").exists()  # and saved its data
