"""Settings of the task outbox tests' own Celery worker (tests/core/test_outbox.py): the test
settings, with the e-mail the worker sends written to files in TEST_EMAIL_DIR, which the test
reads to count every message."""

from congress_office.settings.test import *  # noqa: F403
from congress_office.settings.test import env

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env("TEST_EMAIL_DIR")
