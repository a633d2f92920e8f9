"""Settings come from the environment; production refuses to start without its secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_python(code, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "FIELD_ENCRYPTION_KEYS",
            "PERSONAL_DATA_HASH_KEY",
        }
    }
    clean.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], "
    "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE}))"
)


def test_embedded_defaults_without_database_or_redis_url():
    """No DATABASE_URL → SQLite under var/; no REDIS_URL → eager tasks and local-memory cache."""
    result = run_python(SHOW, DJANGO_SETTINGS_MODULE="congress_office.settings.local")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"].endswith("var/db.sqlite3")
    assert shown["eager"] is True
    assert shown["cache"].endswith("LocMemCache")
    assert (shown["lang"], shown["tz"]) == ("zh-hans", "Asia/Shanghai")


def test_services_from_the_environment():
    """DATABASE_URL selects PostgreSQL; REDIS_URL makes Redis the broker and the cache."""
    result = run_python(
        SHOW,
        DJANGO_SETTINGS_MODULE="congress_office.settings.local",
        DATABASE_URL="postgresql://u:p@db.internal:5432/office",
        REDIS_URL="redis://cache.internal:6379/3",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["name"] == "office"
    assert shown["eager"] is False
    assert shown["broker"] == "redis://cache.internal:6379/3"
    assert shown["cache"].endswith("RedisCache")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "PERSONAL_DATA_HASH_KEY"])
def test_production_refuses_to_start_without_its_secrets(missing):
    """SECRET_KEY and the personal-data keys have no default in production."""
    secrets = {
        "SECRET_KEY": "s" * 60,
        "FIELD_ENCRYPTION_KEYS": "kK1tUeWbV2y6h0ZqXo7bM0rS3q9pWl4fE8gC5dJ2aY0=",
        "PERSONAL_DATA_HASH_KEY": "h" * 40,
        "REDIS_URL": "redis://cache.internal:6379/0",
    }
    del secrets[missing]
    result = run_python(
        SHOW, DJANGO_SETTINGS_MODULE="congress_office.settings.production", ALLOWED_HOSTS="x.example", **secrets
    )
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_to_start_without_redis():
    """Production has no local-memory fallback: without REDIS_URL the settings do not load, and
    the message says why (counters, sessions and cache, and the task queue must be shared)."""
    env = {
        "SECRET_KEY": "s" * 60,
        "FIELD_ENCRYPTION_KEYS": "kK1tUeWbV2y6h0ZqXo7bM0rS3q9pWl4fE8gC5dJ2aY0=",
        "PERSONAL_DATA_HASH_KEY": "h" * 40,
        "ALLOWED_HOSTS": "x.example",
    }
    result = run_python(SHOW, DJANGO_SETTINGS_MODULE="congress_office.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the REDIS_URL environment variable" in result.stderr
    assert "rate-limit counters, the sessions and cache and the Celery task queue must be shared" in result.stderr
    # and with it, the same environment starts, with Redis as broker and cache
    started = run_python(
        SHOW, DJANGO_SETTINGS_MODULE="congress_office.settings.production", REDIS_URL="redis://r.internal:6379/0", **env
    )
    assert started.returncode == 0, started.stderr
    shown = json.loads(started.stdout.strip().splitlines()[-1])
    assert (shown["broker"], shown["eager"]) == ("redis://r.internal:6379/0", False)
    assert shown["cache"].endswith("RedisCache")


def test_check_deploy_is_clean_in_production_settings():
    """`manage.py check --deploy` reports no issue under production settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="congress_office.settings.production",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-for-tests-0123456789",
        ALLOWED_HOSTS="rd.example.gov.cn",
        FIELD_ENCRYPTION_KEYS="kK1tUeWbV2y6h0ZqXo7bM0rS3q9pWl4fE8gC5dJ2aY0=",
        PERSONAL_DATA_HASH_KEY="a-long-random-hash-key-for-tests",
        REDIS_URL="redis://127.0.0.1:6379/0",  # required in production; `check` does not connect
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("path", ["templates", "static"])
def test_no_asset_is_loaded_from_an_external_host(path):
    """The intranet has no internet: templates and our static files reference no CDN."""
    offenders = []
    for file in (ROOT / path).rglob("*"):
        if file.suffix in {".html", ".css", ".js"}:
            text = file.read_text(encoding="utf-8")
            for marker in (
                'src="http',
                "src='http",
                'href="http',
                "href='http",
                'src="//',
                'href="//',
                "url(http",
                "@import url(",
            ):
                if marker in text:
                    offenders.append(f"{file.relative_to(ROOT)}: {marker}")
    assert offenders == []
