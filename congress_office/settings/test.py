"""Tests: DATABASE_URL / REDIS_URL from the environment (CI sets both); tasks run eagerly
except in the tests that start a real Celery worker."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The real-worker tests start `celery worker` with CELERY_EAGER=0; everything else runs eagerly.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The real-worker fixture points the worker at a per-session directory the tests can read.
MEDIA_ROOT = Path(env("TEST_MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media")))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
