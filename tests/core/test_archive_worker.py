"""The annual package in a real Celery worker: killed midway (SIGKILL of the whole worker), the
job is taken up again where it stopped, and every item is in the package exactly once."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from congress_office.models import ArchiveExport, ArchiveItem, ExportStatus, Fonds, OrgCode
from congress_office.roles import Role
from congress_office.services.archive_export import archive_export_resume_stale, archive_export_start, package_root
from congress_office.services.archive_verify import verify_package

from ..factories import make_archive_items
from .conftest import wait_until

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]
ITEMS = 80


def test_a_killed_export_resumes_with_every_item_once(celery_worker, role_groups, township, make_user, settings):
    auditor = make_user(Role.AUDITOR, township, username="auditor")
    fonds = Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    OrgCode.objects.create(township=township, code="BGS", name="办公室")
    make_archive_items(township, fonds, auditor, [("D10", ITEMS)])
    with celery_worker.routing():
        export = archive_export_start(township=township, year=2026, by=auditor)

    def done():
        return ArchiveExport.objects.get(pk=export.pk).done

    wait_until(lambda: done() >= 10, timeout=120, interval=0.05, message="the export to start")
    celery_worker.kill()
    at_kill = done()
    assert 0 < at_kill < ITEMS, f"the export was not interrupted midway ({at_kill} items)"
    assert ArchiveExport.objects.get(pk=export.pk).status == ExportStatus.RUNNING

    celery_worker.purge()  # the chunks still queued die with the run; the resumed run re-splits
    celery_worker.ensure_running()
    later = timezone.now() + timedelta(seconds=settings.ARCHIVE_EXPORT_STALE_SECONDS + 1)
    with celery_worker.routing():
        assert archive_export_resume_stale(now=later) == 1

    wait_until(
        lambda: ArchiveExport.objects.get(pk=export.pk).is_finished, timeout=240, interval=0.2, message="the export"
    )
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.message
    assert export.runs == 2
    assert (export.done, export.total) == (ITEMS, ITEMS)
    root = package_root(export)
    folders = sorted(p.name for p in (root / "items").iterdir())
    assert folders == sorted(ArchiveItem.objects.values_list("code", flat=True))  # none missing, no leftovers
    codes = [e.findtext("档号") for e in ET.parse(root / "文件目录.xml").getroot().iter("件")]
    assert len(codes) == len(set(codes)) == ITEMS
    report = verify_package(root)
    assert report.ok, report.lines()


def test_archived_items_are_rendered_by_the_worker_and_the_sweep_queues_what_was_lost(
    celery_worker, role_groups, township, make_user
):
    """整理归档 queues the rendering of its items; the worker stores each item's files once; an
    item whose message was lost is queued again by the sweep."""
    from congress_office.models import ArchiveFile
    from congress_office.services.archive_render import render_pending, schedule_render, unrendered

    auditor = make_user(Role.AUDITOR, township, username="auditor")
    fonds = Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    items = make_archive_items(township, fonds, auditor, [("D10", 45)])
    ids = [item.pk for item in items]
    assert schedule_render(ids) == 0  # eager (no broker): nothing queued, a package renders them
    with celery_worker.routing():
        assert schedule_render(ids[:-1]) == 3  # chunks of ARCHIVE_EXPORT_CHUNK (20)

    wait_until(lambda: unrendered().count() == 1, timeout=120, interval=0.2, message="the rendering")
    assert ArchiveFile.objects.filter(item_id__in=ids[:-1]).count() == 44  # one file each, once
    assert not ArchiveFile.objects.filter(item_id=ids[-1]).exists()

    with celery_worker.routing():
        assert render_pending(older_than_seconds=0) == 1
    wait_until(lambda: not unrendered().exists(), timeout=60, interval=0.2, message="the sweep's rendering")
    assert ArchiveFile.objects.count() == 45
    assert all(i.pages == 1 for i in ArchiveItem.objects.all())
