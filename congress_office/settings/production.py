"""Production: secrets have no default, HTTPS everywhere, static files through WhiteNoise."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

# seed_demo and anything else that must behave differently in production look at this flag
PRODUCTION = True
DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # refuses to start without it
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")  # refuses to start without them
PERSONAL_DATA_HASH_KEY = env("PERSONAL_DATA_HASH_KEY")
# Without Redis every process would keep its own rate-limit counters and cache (a limit of 5 an
# hour becomes 5 per gunicorn worker) and tasks would run inside the web request: refuse instead.
if not env("REDIS_URL", default=""):
    raise ImproperlyConfigured(
        "Set the REDIS_URL environment variable (e.g. redis://127.0.0.1:6379/0): in production the "
        "rate-limit counters, the sessions and cache and the Celery task queue must be shared by every "
        "web process and worker, which only Redis does; without it they would live per process."
    )

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
