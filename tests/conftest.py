import os

import pytest
from django.conf import settings

from congress_office.roles import Role

from .factories import TownshipFactory, UnitFactory, UserFactory


def pytest_configure(config):
    # In CI (and scripts/test) the real services are required: fail loudly, never skip.
    if os.environ.get("REQUIRE_SERVICES"):
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"REQUIRE_SERVICES is set but the database is {engine}; set DATABASE_URL")
        if not settings.REDIS_URL:
            raise pytest.UsageError("REQUIRE_SERVICES is set but REDIS_URL is not")


@pytest.fixture(scope="session", autouse=True)
def _pdf_fonts_built():
    """PDFs render with the reduced CJK fonts, as after setup (scripts/lib.sh runs the same
    command before the tests; it returns at once when the fonts in PDF_FONT_DIR are up to date)."""
    from django.core.management import call_command

    call_command("pdf_fonts_build", verbosity=0)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (rate-limit counters, the county statistics'
    snapshots): what one test stored must not answer the next one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Every test starts in the product's default language: a request that switched to English
    leaves English active in the thread, which would leak into the next test's messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def township(db):
    return TownshipFactory(code="qingshan", name="青山镇", agency_code="青人")


@pytest.fixture
def other_township(db):
    return TownshipFactory(code="baishui", name="白水乡", agency_code="白人")


@pytest.fixture
def unit(township):
    return UnitFactory(township=township, name="自然资源所")


@pytest.fixture
def other_unit(other_township):
    return UnitFactory(township=other_township, name="财政所")


@pytest.fixture
def make_user(db):
    def make(role, township=None, **kwargs):
        return UserFactory(roles=[role] if role else [], township=township, **kwargs)

    return make


@pytest.fixture
def users(township, unit, make_user):
    """One user of each role in the first township (county and admin are county-wide)."""
    return {
        Role.CLERK: make_user(Role.CLERK, township, username="clerk"),
        Role.CHAIR: make_user(Role.CHAIR, township, username="chair"),
        Role.DEPUTY: make_user(Role.DEPUTY, township, username="deputy"),
        Role.UNIT_HANDLER: make_user(Role.UNIT_HANDLER, township, username="handler", unit=unit),
        Role.AUDITOR: make_user(Role.AUDITOR, township, username="auditor"),
        Role.COUNTY: make_user(Role.COUNTY, None, username="county"),
        Role.ADMIN: make_user(Role.ADMIN, None, username="admin", is_staff=True),
    }


@pytest.fixture
def clerk(users):
    return users[Role.CLERK]


@pytest.fixture
def chair(users):
    return users[Role.CHAIR]


@pytest.fixture
def other_clerk(other_township, make_user):
    return make_user(Role.CLERK, other_township, username="other_clerk")


@pytest.fixture
def other_chair(other_township, make_user):
    return make_user(Role.CHAIR, other_township, username="other_chair")


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client, logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- media on a local S3-compatible server (moto in server mode) ---------------------------------

S3_TEST_OPTIONS = {  # as settings.base builds them from S3_* (tests/core/test_s3_media.py checks)
    "access_key": "testing",
    "secret_key": "testing",
    "region_name": "us-east-1",
    "addressing_style": "path",
    "signature_version": "s3v4",
    "default_acl": None,
    "querystring_auth": True,
    "querystring_expire": 300,
    "file_overwrite": False,
}


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory):
    """moto's S3 server, a process of its own on a free port for the session; its endpoint URL.
    Stopped (its process only) at the end of the session."""
    import socket
    import subprocess
    import time
    from pathlib import Path

    binary = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "moto_server"
    if not binary.exists():
        pytest.fail(f"{binary} not found: pip install -r requirements.txt (moto[server])")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"moto_server exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not listen on {port} within 30 s:\n{log_path.read_text()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3_storage(moto_s3, settings, tmp_path):
    """STORAGES["default"] on a fresh private bucket of the moto server (django-storages, as in
    production with S3_BUCKET set); the archive package is assembled in local scratch space.
    Yields the boto3 Bucket, to look at what was stored."""
    import uuid

    import boto3

    name = f"media-{uuid.uuid4().hex[:12]}"
    resource = boto3.resource(
        "s3",
        endpoint_url=moto_s3,
        region_name=S3_TEST_OPTIONS["region_name"],
        aws_access_key_id=S3_TEST_OPTIONS["access_key"],
        aws_secret_access_key=S3_TEST_OPTIONS["secret_key"],
    )
    bucket = resource.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**S3_TEST_OPTIONS, "bucket_name": name, "endpoint_url": moto_s3},
        },
    }
    settings.ARCHIVE_WORK_DIR = str(tmp_path / "archive-work")
    yield bucket
    bucket.objects.all().delete()
    bucket.delete()
