#!/usr/bin/env python3
"""Django's command-line utility, plus the two README commands.

``python3 manage.py start`` and ``python3 manage.py runtests`` work on a fresh machine with any
Python 3: they are handled by ``config/launcher.py`` (standard library only), which creates the
virtual environment first. Every other command is Django's and expects the environment.
"""

import importlib.util
import os
import sys
from pathlib import Path


def _launcher():
    path = Path(__file__).resolve().parent / "config" / "launcher.py"
    spec = importlib.util.spec_from_file_location("policyreview_launcher", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("start", "runtests"):
        sys.exit(_launcher().main(sys.argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Django is not importable. Run `python3 manage.py start` once (it creates .venv), "
            "then use .venv/bin/python manage.py ..."
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
