"""Two gunicorn nodes behind nginx share sessions, cache and media (issue 13 item 11): runs
scripts/two-nodes-check, which starts its own database, moto S3 server, two gunicorn processes
and nginx, walks through them as qs_clerk and stops them again (about a minute)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "two-nodes-check"

# one session's check at a time on a machine, and a separate xdist group from the rest
pytestmark = pytest.mark.xdist_group("two-nodes")

STEPS = [
    "node A → node B: qs_clerk logs in",
    "node A → node B: the petition list with the same session",
    "node A → node B: a hashed static file",
    "node A → node B: a form whose CSRF token came from the first request is accepted by the next",
    "node A → node B: the attachment downloaded through the other node, byte for byte",
    "node B → node A: the attachment downloaded through the other node, byte for byte",
    "nginx (round robin): a form whose CSRF token came from the first request is accepted by the next",
    "nginx (round robin): the attachment downloaded through the other node, byte for byte",
    "nginx: the requests alternated between both nodes",
    "sessions in the database",
    "cache on Redis",
    "media on S3",
    "the uploads are objects in the bucket",
    "nothing under either node's MEDIA_ROOT",
]


def test_two_nodes_behind_nginx_share_the_session_the_csrf_token_and_the_media():
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.fail(
            "nginx is not installed: run scripts/test (it installs the Debian package nginx) or apt-get install nginx"
        )
    if not settings.REDIS_URL:
        pytest.fail("the two-nodes check needs Redis: set REDIS_URL")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "S3_"))},
        # a database of this test run's own (the script creates it afresh and drops it)
        "TWO_NODES_DB": f"{settings.DATABASES['default']['NAME'].removeprefix('test_')}_twonodes",
        "REDIS_URL": settings.REDIS_URL,
        "TWO_NODES_MEDIA": "s3",
    }
    result = subprocess.run(
        ["bash", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "two-nodes-check: PASS" in result.stdout, output
    assert "FAIL" not in result.stdout, output
    for name in STEPS:
        assert f"PASS  {name}" in result.stdout, f"missing step {name!r}:\n{output}"
