"""The broker down when the auditor starts the annual package: the page answers normally and says
the job waits for the queue; once a real Redis (its own instance, on another port) is back, the
outbox's flush sends the job, and its message reaches the queue."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from congress_office import celery_app
from congress_office.models import ArchiveExport, ExportStatus, Fonds, OrgCode, TaskOutbox
from congress_office.outbox import flush
from congress_office.roles import Role
from congress_office.services.archive_export import QUEUE_DOWN, archive_export_resume_stale

from ..factories import make_archive_items
from .conftest import OwnRedis

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]
QUEUE = "archive-broker-test"


@pytest.fixture
def own_broker():
    """The app's producer pointed at a Redis of its own for the test, then restored."""
    server = OwnRedis()
    server.start()
    conf = celery_app.conf
    amqp = celery_app.amqp
    saved = conf.broker_url, conf.task_always_eager, conf.task_default_queue, celery_app._pool, amqp._producer_pool
    conf.broker_url, conf.task_always_eager, conf.task_default_queue = (
        f"redis://127.0.0.1:{server.port}/0",
        False,
        QUEUE,
    )
    celery_app._pool = amqp._producer_pool = None  # both cache the connection to the session's Redis
    try:
        yield server
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        conf.broker_url, conf.task_always_eager, conf.task_default_queue, celery_app._pool, amqp._producer_pool = saved
        server.stop()


def test_starting_an_export_with_the_broker_down_waits_and_starts_when_it_is_back(
    own_broker, role_groups, township, make_user, client_for
):
    auditor = make_user(Role.AUDITOR, township, username="auditor")
    fonds = Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    OrgCode.objects.create(township=township, code="BGS", name="办公室")
    make_archive_items(township, fonds, auditor, [("D10", 3)])
    client = client_for(auditor)

    own_broker.stop()
    started = time.monotonic()
    response = client.post(reverse("core:archive_export_start"), {"year": 2026})
    assert response.status_code == 302  # not a 500
    assert time.monotonic() - started < 30
    export = ArchiveExport.objects.get()
    assert (export.status, export.message) == (ExportStatus.PENDING, str(QUEUE_DOWN))
    page = client.get(export.get_absolute_url())
    assert str(QUEUE_DOWN) in page.content.decode()

    # the queue is back: the outbox's flush sends the job, its message is in the queue for a
    # worker; the sweeper leaves the job alone (its task was just sent)
    broker = own_broker.start()
    later = timezone.now() + timedelta(minutes=10)
    assert flush(now=timezone.now() + timedelta(minutes=1))["sent"] == 1
    assert archive_export_resume_stale(now=later) == 0
    assert broker.llen(QUEUE) == 1
    assert b"archive_export_run" in broker.lindex(QUEUE, 0)
    assert not TaskOutbox.objects.filter(sent_at__isnull=True).exists()
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING and export.message != str(QUEUE_DOWN)
