"""Celery application: broker and result backend come from Django settings (REDIS_URL)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_office.settings.local")

app = Celery("congress_office")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
