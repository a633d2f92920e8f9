"""The PDF service: Chinese text rendered by WeasyPrint with CJK fonts embedded, font families
taken from settings, and the PDF job flow (start → progress page → download) in eager mode."""

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from congress_office.models import Deadline, DeadlineRule, DeadlineState, PdfJob, PdfJobStatus
from congress_office.pdf import pdf_fonts as css_font_stacks
from congress_office.pdf import render_pdf
from congress_office.registries import PdfReport, pdf_reports
from congress_office.services.pdf import pdf_job_run

from ..factories import make_deadline

# A real paragraph of prose about the work of a township congress office, read from the
# project's reference material (../shared/reference relative to the repository root).
REFERENCE_FILE = settings.BASE_DIR.parent / "shared" / "reference" / "001_fcf7aed615a29643.txt"
PARAGRAPH_START = "首先是做好工作计划和总结"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
DEADLINE_REPORT = "core.deadline_overview"


@pytest.fixture(scope="module")
def paragraph():
    if not REFERENCE_FILE.exists():
        pytest.fail(f"the reference text {REFERENCE_FILE} is missing; the PDF test renders a paragraph of it")
    for line in REFERENCE_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith(PARAGRAPH_START):
            text = line.strip()
            assert 100 <= len(text) <= 200, len(text)
            return text
    pytest.fail(f"no paragraph starting with {PARAGRAPH_START!r} in {REFERENCE_FILE}")


# --- helpers -----------------------------------------------------------------------------


def squash(text):
    """Text without any whitespace: PDF extraction breaks lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _fonts_in(resources, seen):
    resources = resources.get_object() if resources is not None else None
    if not resources:
        return
    for ref in (resources.get("/Font") or {}).values():
        font = ref.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            yield font
    for ref in (resources.get("/XObject") or {}).values():  # fonts used inside form XObjects
        xobject = ref.get_object()
        if "/Resources" in xobject:
            yield from _fonts_in(xobject["/Resources"], seen)


def pdf_fonts(data):
    """Every font dictionary the pages use (including those of their form XObjects)."""
    seen = set()
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts.extend(_fonts_in(page.get("/Resources"), seen))
    return fonts


def is_embedded(font):
    if font.get("/Subtype") == "/Type3":  # glyphs are drawn by content streams inside the PDF
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def family_of(font):
    """'/LWGGBP+Noto-Serif-CJK-SC' → 'noto serif cjk sc' (subset prefix dropped)."""
    name = str(font.get("/BaseFont", "")).lstrip("/")
    name = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
    return re.sub(r"[-_ ]+", " ", name).strip().lower()


def norm(family):
    return re.sub(r"[-_ ]+", " ", family).strip().lower()


def families(data):
    return {family_of(font) for font in pdf_fonts(data)}


def save_artifact(name, data):
    """Keep the PDF and a PNG of its first page in test-artifacts/ (git-ignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(data)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / name)],
            check=True,
            timeout=60,
        )
    return path


def render_sample(paragraph):
    return render_pdf("pdf/sample.html", {"title": "乡镇人大办公室工作体会", "paragraph": paragraph})


# --- the renderer ------------------------------------------------------------------------


def test_render_pdf_embeds_cjk_fonts_and_keeps_the_chinese_text(paragraph):
    data = render_sample(paragraph)
    save_artifact("sample", data)

    assert data.startswith(b"%PDF")
    text = squash(pdf_text(data))
    assert squash(paragraph) in text
    assert "乡镇人大办公室工作体会" in text

    fonts = pdf_fonts(data)
    assert fonts, "the PDF uses no fonts at all"
    not_embedded = [family_of(f) for f in fonts if not is_embedded(f)]
    assert not not_embedded, f"fonts not embedded: {not_embedded}"
    configured = {norm(name) for name in [*settings.PDF_FONT_BODY, *settings.PDF_FONT_TITLE]}
    assert any("cjk" in family or family in configured for family in families(data)), families(data)


@pytest.mark.parametrize("fallback", ["Noto Serif CJK SC", "Noto Sans CJK SC"])
def test_a_missing_first_font_falls_back_to_the_next_configured_one(settings, paragraph, fallback):
    settings.PDF_FONT_BODY = ["不存在的仿宋 GB2312 XYZ", fallback]
    settings.PDF_FONT_TITLE = ["Missing-XiaoBiaoSong-XYZ", fallback]

    data = render_sample(paragraph)

    assert squash(paragraph) in squash(pdf_text(data))
    assert families(data) == {norm(fallback)}
    assert all(is_embedded(font) for font in pdf_fonts(data))


@pytest.mark.parametrize("family", ["Noto Sans CJK SC", "Noto Serif CJK SC"])
def test_the_font_families_are_settings(settings, paragraph, family):
    settings.PDF_FONT_BODY = [family]
    settings.PDF_FONT_TITLE = [family]

    data = render_sample(paragraph)

    assert families(data) == {norm(family)}
    assert all(is_embedded(font) for font in pdf_fonts(data))


def test_font_names_from_settings_stay_inside_their_css_quotes(settings, paragraph):
    settings.PDF_FONT_BODY = ['Evil"; } body { display: none } </style><p>x', "Noto Serif CJK SC"]

    assert css_font_stacks()["body"] == '"Evil; } body { display: none } /stylepx", "Noto Serif CJK SC", serif'
    assert css_font_stacks()["sans"].endswith(", sans-serif")
    assert squash(paragraph) in squash(pdf_text(render_sample(paragraph)))


# --- the job flow ------------------------------------------------------------------------


@pytest.fixture
def deadlines(township, unit):
    make_deadline(
        township=township,
        unit=unit,
        title="村道硬化工程进度督办",
        start=date(2026, 3, 2),
        rule=DeadlineRule.WORKING_DAYS,
        limit=10,
    )
    late = make_deadline(township=township, unit=unit, title="饮水安全问题答复", start=date(2026, 1, 5))
    Deadline.objects.filter(pk=late.pk).update(state=DeadlineState.OVERDUE)


def start_job(client, django_capture_on_commit_callbacks, report=DEADLINE_REPORT):
    # The task is queued on commit; in eager mode it runs when the callbacks execute.
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("core:pdfjob_start", args=[report]))


def test_clerk_exports_the_deadline_report(client, clerk, deadlines, django_capture_on_commit_callbacks):
    client.force_login(clerk)

    response = start_job(client, django_capture_on_commit_callbacks)

    job = PdfJob.objects.get(owner=clerk)
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    assert (job.status, job.progress, job.message) == (PdfJobStatus.DONE, 100, "已完成")
    assert job.file and job.finished_at and job.township_id == clerk.township_id

    page = client.get(job.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="progressbar"' in html and 'aria-valuenow="100"' in html
    assert 'data-status="done"' in html and "hx-get" not in html  # finished: no more polling
    assert reverse("core:pdfjob_download", args=[job.pk]) in html
    assert "下载 PDF" in html and "已完成" in html

    download = client.get(reverse("core:pdfjob_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF")
    text = squash(pdf_text(data))
    for expected in ("期限事项办理情况表", "青山镇", "自然资源所", "饮水安全问题答复", "逾期事项清单"):
        assert expected in text
    assert all(is_embedded(font) for font in pdf_fonts(data))
    save_artifact("deadline_overview", data)


def test_progress_partial_is_served_to_htmx(client, clerk, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    start_job(client, django_capture_on_commit_callbacks)
    job = PdfJob.objects.get(owner=clerk)

    response = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="pdfjob-progress"')
    assert "<html" not in html


def test_a_pending_job_page_polls_for_progress(client, clerk):
    job = PdfJob.objects.create(
        owner=clerk, township=clerk.township, report=DEADLINE_REPORT, title="期限事项办理情况表"
    )
    client.force_login(clerk)

    html = client.get(job.get_absolute_url()).content.decode()

    assert 'hx-trigger="every 1s"' in html and "排队中" in html
    assert client.get(reverse("core:pdfjob_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("who", ["chair", "other_clerk"])
def test_another_users_job_is_404(request, client, clerk, who, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    start_job(client, django_capture_on_commit_callbacks)
    job = PdfJob.objects.get(owner=clerk)

    client.force_login(request.getfixturevalue(who))

    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("core:pdfjob_download", args=[job.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, clerk):
    job = PdfJob.objects.create(owner=clerk, report=DEADLINE_REPORT, title="x")
    for url in (job.get_absolute_url(), reverse("core:pdfjob_download", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(reverse("core:pdfjob_start", args=[DEADLINE_REPORT]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert PdfJob.objects.count() == 1


def test_unknown_report_is_404(client, clerk):
    client.force_login(clerk)
    assert client.post(reverse("core:pdfjob_start", args=["core.no_such_report"])).status_code == 404
    assert not PdfJob.objects.exists()


def test_start_is_post_only(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("core:pdfjob_start", args=[DEADLINE_REPORT])).status_code == 405
    assert not PdfJob.objects.exists()


@pytest.fixture
def register_report():
    keys = []

    def register(key, report):
        pdf_reports.register(key, report)
        keys.append(key)

    yield register
    for key in keys:
        pdf_reports._items.pop(key, None)


def _broken_context(job, progress):
    progress(30, "正在统计")
    raise RuntimeError("connection to server at 10.0.0.5 failed: secret internals")


def test_a_failing_report_ends_failed_with_a_chinese_message(
    client, clerk, register_report, django_capture_on_commit_callbacks
):
    register_report(
        "tests.broken", PdfReport(title="测试报表", template="pdf/sample.html", build_context=_broken_context)
    )
    client.force_login(clerk)

    response = start_job(client, django_capture_on_commit_callbacks, report="tests.broken")

    assert response.status_code == 302  # not a 500
    job = PdfJob.objects.get(owner=clerk)
    assert job.status == PdfJobStatus.FAILED and job.finished_at
    assert job.message.startswith("生成失败")
    assert re.search(r"[\u4e00-\u9fff]", job.message)
    assert "10.0.0.5" not in job.message  # internals stay in the log
    assert job.progress == 30  # the bar stops where it failed
    html = client.get(job.get_absolute_url()).content.decode()
    assert 'data-status="failed"' in html and "bg-danger" in html and "hx-get" not in html
    assert "失败" in html and "请稍后重试" in html
    assert client.get(reverse("core:pdfjob_download", args=[job.pk])).status_code == 404


def test_a_report_the_user_may_not_run_is_403(client, clerk, register_report):
    register_report(
        "tests.restricted",
        PdfReport(
            title="受限报表",
            template="pdf/sample.html",
            build_context=lambda job, progress: {},
            permission="core.delete_holiday",
        ),
    )
    client.force_login(clerk)

    assert client.post(reverse("core:pdfjob_start", args=["tests.restricted"])).status_code == 403
    assert not PdfJob.objects.exists()


def test_a_job_delivered_twice_is_rendered_once(client, clerk, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    start_job(client, django_capture_on_commit_callbacks)
    job = PdfJob.objects.get(owner=clerk)
    name, finished = job.file.name, job.finished_at

    assert pdf_job_run(job_id=job.pk) is None

    job.refresh_from_db()
    assert (job.status, job.file.name, job.finished_at) == (PdfJobStatus.DONE, name, finished)


def test_a_job_whose_worker_died_is_taken_up_by_the_redelivered_task_only(clerk):
    """A job left "running" by a dead worker is resumed when the same task is delivered again
    (acks_late); a different task leaves it alone."""
    job = PdfJob.objects.create(
        owner=clerk,
        township=clerk.township,
        report="core.deadline_overview",
        title="期限事项办理情况表",
        status=PdfJobStatus.RUNNING,
        progress=40,
        task_id="task-1",
    )

    assert pdf_job_run(job_id=job.pk, task_id="task-2") is None
    job.refresh_from_db()
    assert (job.status, job.progress) == (PdfJobStatus.RUNNING, 40)

    pdf_job_run(job_id=job.pk, task_id="task-1")
    job.refresh_from_db()
    assert (job.status, job.progress) == (PdfJobStatus.DONE, 100)
    assert job.file.read(4) == b"%PDF"


def run_report(client, capture, report, params, owner):
    """Start the PDF job `report` with `params` as `owner` (logged in on `client`), run it (eager,
    on commit) and return (job, the PDF's bytes or None when it failed)."""
    with capture(execute=True):
        client.post(reverse("core:pdfjob_start", args=[report]), params)
    job = PdfJob.objects.filter(owner=owner).latest("pk")
    if job.status != PdfJobStatus.DONE:
        return job, None
    return job, b"".join(client.get(reverse("core:pdfjob_download", args=[job.pk])).streaming_content)
