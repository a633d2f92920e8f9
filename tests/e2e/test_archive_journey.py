"""The auditor's annual archive (issue 11's journey): she opens 档案, exports 2026, watches the
progress bar move while a real Celery worker writes the items, downloads the package, and the
downloaded zip verifies; on a 375 px phone the archive page does not break."""

import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from congress_office.models import ArchiveExport, ExportStatus, Fonds, OrgCode
from congress_office.roles import Role

from ..factories import UserFactory, make_archive_items
from .test_documents_journey import PHONE, Journey

pytestmark = [pytest.mark.e2e, pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]
ITEMS = 24


@pytest.fixture
def year_archived(township, role_groups):
    auditor = UserFactory(username="chenjing", name="陈静", township=township, roles=[Role.AUDITOR])
    fonds = Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    OrgCode.objects.create(township=township, code="BGS", name="办公室")
    make_archive_items(
        township,
        fonds,
        auditor,
        [("Y", 4), ("D30", ITEMS - 4)],
        title="青山镇人大2026年第{n}号文件",
        responsible="青山镇人民代表大会主席团",
    )
    return auditor


def test_the_auditor_exports_2026_watches_the_progress_and_downloads_it(
    live_server,
    browser,
    screenshot,
    celery_worker,
    year_archived,
    tmp_path,
):
    journey = Journey(live_server, browser, screenshot, "archive")
    page = journey.open("chenjing", "陈静")
    journey.look(page, "login")
    page.locator(".main-nav a.nav-link", has_text="档案").filter(has_not_text="履职").click()
    page.get_by_role("link", name="2026", exact=True).click()
    expect(page.get_by_test_id("archive-items")).to_contain_text("0123-WS·2026-Y-BGS-0001")
    journey.look(page, "home")

    with celery_worker.routing():
        page.get_by_test_id("export-start").click()
        page.wait_for_url(lambda url: "/archive/exports/" in url)
        progress = page.get_by_test_id("export-progress")
        seen = [progress.get_attribute("data-status")]
        journey.look(page, "progress")
        for _ in range(600):  # the page polls every second; read what it shows
            status = page.get_by_test_id("export-progress").get_attribute("data-status")
            if status != seen[-1]:
                seen.append(status)
            if status in ("done", "failed"):
                break
            page.wait_for_timeout(200)
    assert seen[0] in ("pending", "running"), seen
    assert seen[-1] == "done", (seen, ArchiveExport.objects.get().message)
    expect(page.get_by_test_id("export-status")).to_contain_text(f"共 {ITEMS} 件")
    journey.look(page, "done")

    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    download = download_info.value
    assert download.suggested_filename == "0123-WS-2026.zip"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert "0123-WS-2026/文件目录.xml" in names
    assert sum(1 for n in names if n.endswith("/元数据.xml")) == ITEMS
    out = StringIO()
    call_command("archive_verify", str(path), stdout=out)
    assert "结果：通过" in out.getvalue()

    page.get_by_role("button", name="校验归档包").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("通过")
    journey.look(page, "verified")
    assert ArchiveExport.objects.get().status == ExportStatus.DONE

    phone = journey.open("chenjing", "陈静", size=PHONE)
    phone.goto(f"{live_server.url}/archive/?year=2026")
    expect(phone.get_by_test_id("archive-items")).to_be_visible()
    journey.look(phone, "phone")
    journey.assert_clean()
