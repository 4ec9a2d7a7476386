"""The Celery app. Tasks live in each app's ``tasks.py``; settings come from ``CELERY_*``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("policyreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
