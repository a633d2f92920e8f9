"""Fixtures of the core tests: role groups for transactional tests, and a real Celery worker.

The worker is a separate `celery worker` process (prefork, concurrency 2) on Redis, connected
to the test database pytest-django created, consuming a queue unique to this test session.
It is started once per session (per xdist process) and stopped before the test database is
dropped. Tests that use it are marked `real_worker` and `django_db(transaction=True)`, so
their data is committed and visible to the worker.
"""

import ast
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY_BIN = ROOT / ".venv" / "bin" / "celery"
WORKER_START_TIMEOUT = 60


def wait_until(predicate, *, timeout, interval=0.05, message="condition"):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


# --- a Redis of the test's own ------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pings(client):
    try:
        return client.ping()
    except Exception:
        return False


class OwnRedis:
    """A redis-server of the test's own on a free port, without persistence: stopping it (SIGKILL)
    is the broker dying, and starting it again on the same port is a broker back, empty (the
    messages it held are lost)."""

    def __init__(self, port=None):
        self.port, self.process = port or free_port(), None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        wait_until(lambda: _pings(client), timeout=20, message="redis-server to start")
        return client

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)

    def is_running(self):
        return self.process is not None and self.process.poll() is None


# --- role groups --------------------------------------------------------------------------------


def ensure_role_groups():
    """(Re)create the role groups of migration 0002. A transactional test ends with a flush,
    which empties auth_group; post_migrate recreates permissions, not groups."""
    from django.contrib.auth.models import Group, Permission

    from congress_office.roles import CORE_ROLE_PERMISSIONS

    for role, perms in CORE_ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*wanted)


@pytest.fixture
def role_groups(transactional_db):
    """For transactional tests: make sure the role groups exist before users are created."""
    ensure_role_groups()


# --- the real Celery worker ---------------------------------------------------------------------


def _database_url(settings_dict):
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgresql://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


class CeleryWorker:
    """One `celery worker` process (and its prefork children) in its own process group."""

    def __init__(self, *, queue, env, log_dir, media_root):
        self.queue = queue
        self.nodename = f"{queue}@localhost"
        self.env = env
        self.log_dir = log_dir
        self.media_root = media_root
        self.process = None
        self.log_path = None
        self.starts = 0
        self._log_offset = 0
        self._log_text = ""

    # lifecycle

    def start(self):
        from congress_office import celery_app

        self.starts += 1
        self.log_path = self.log_dir / f"worker-{self.starts}.log"
        self._log_offset, self._log_text = 0, ""
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(CELERY_BIN),
                    "-A",
                    "congress_office",
                    "worker",
                    "-Q",
                    self.queue,
                    "-c",
                    "2",
                    "--pool",
                    "prefork",
                    "-l",
                    "info",
                    "-n",
                    self.nodename,
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if celery_app.control.ping(destination=[self.nodename], timeout=0.5):
                return self
        self.kill()
        pytest.fail(f"the Celery worker did not start within {WORKER_START_TIMEOUT}s:\n{self.log_tail()}")

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def ensure_running(self):
        if not self.is_running():
            self.start()
        return self

    def kill(self):
        """SIGKILL the whole process tree at once: no warm shutdown, no task acknowledgement."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self._wait_for_process_group_gone()

    def stop(self):
        """Warm shutdown (SIGTERM), then SIGKILL whatever is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def _wait_for_process_group_gone(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    # the broker

    @contextmanager
    def routing(self):
        """Send tasks to the broker (not eagerly) and, by default, to this worker's queue, as
        on_commit callbacks such as notify() and pdf_job_start() do."""
        from congress_office import celery_app

        conf = celery_app.conf
        assert conf.broker_url.startswith("redis://"), conf.broker_url
        saved = conf.task_always_eager, conf.task_default_queue
        conf.task_always_eager, conf.task_default_queue = False, self.queue
        try:
            yield
        finally:
            conf.task_always_eager, conf.task_default_queue = saved

    def send(self, task, *args):
        with self.routing():
            return task.apply_async(args, queue=self.queue).id

    def _redis(self):
        import redis
        from django.conf import settings

        return redis.Redis.from_url(settings.REDIS_URL)

    def purge(self):
        """Drop the messages still waiting in this session's queue."""
        self._redis().delete(self.queue)

    def queue_length(self):
        return self._redis().llen(self.queue)

    def cleanup_broker(self):
        """Remove this session's keys and its unacknowledged messages (a killed worker leaves
        its reserved messages in kombu's `unacked` hash) from Redis."""
        client = self._redis()
        for key in client.scan_iter(match=f"*{self.queue}*"):
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding.*"):
            stale = [m for m in client.smembers(key) if self.queue.encode() in m]
            if stale:
                client.srem(key, *stale)
        for tag, payload in client.hscan_iter("unacked"):
            if self.queue.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)

    # the log

    def log_text(self):
        if self.log_path is None or not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as log:
            log.seek(self._log_offset)
            chunk = log.read()
        self._log_offset += len(chunk)
        self._log_text += chunk.decode("utf-8", "replace")
        return self._log_text

    def log_tail(self, lines=60):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def task_result(self, task_id):
        """The logged return value of a task that succeeded in the current worker, or None.
        Fails the test at once if the task raised."""
        text = self.log_text()
        if re.search(rf"\[{re.escape(task_id)}\] raised", text):
            pytest.fail(f"task {task_id} raised in the worker:\n{self.log_tail()}")
        match = re.search(rf"\[{re.escape(task_id)}\] succeeded in [0-9.]+s: (.*)", text)
        if match is None:
            return None
        return ("ok", ast.literal_eval(match.group(1).strip()))

    def wait_for_task(self, task_id, timeout=60):
        """Wait until the worker logs the task as succeeded; return its result."""

        def done():
            if not self.is_running():
                pytest.fail(f"the worker died while running {task_id}:\n{self.log_tail()}")
            return self.task_result(task_id)

        return wait_until(done, timeout=timeout, interval=0.1, message=f"task {task_id}")[1]


def _close_other_connections(connection, name, timeout=15):
    """Wait until no other session is connected to the test database (a killed worker's
    backends go away when PostgreSQL notices the closed socket), then end stragglers."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker on the test database, started once per session (per xdist process);
    stopped at teardown, before django_db_setup drops the test database."""
    from django.conf import settings
    from django.db import connection

    if not settings.REDIS_URL:
        pytest.fail("the real-worker tests need Redis: set REDIS_URL")
    if connection.vendor != "postgresql":
        pytest.fail(f"the real-worker tests need PostgreSQL, not {connection.vendor}: set DATABASE_URL")
    if not CELERY_BIN.exists():
        pytest.fail(f"{CELERY_BIN} not found")

    queue = f"test-{os.getpid()}-{secrets.token_hex(4)}"
    log_dir = tmp_path_factory.mktemp("celery-worker")
    media_root = tmp_path_factory.mktemp("worker-media")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "congress_office.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "CELERY_EAGER": "0",
        "TEST_MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
    }
    worker = CeleryWorker(queue=queue, env=env, log_dir=log_dir, media_root=media_root)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        worker.cleanup_broker()
        with django_db_blocker.unblock():
            _close_other_connections(connection, connection.settings_dict["NAME"])


@pytest.fixture
def celery_worker(celery_worker_process, settings):
    """The session's worker, restarted if a previous test killed it; the test reads the files
    the worker writes. Messages a test leaves behind are dropped after it."""
    worker = celery_worker_process.ensure_running()
    settings.MEDIA_ROOT = worker.media_root
    yield worker
    worker.purge()
