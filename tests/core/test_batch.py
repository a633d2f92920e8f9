"""Batch operations (congress_office.views.batch): the shared confirm → execute → summary flow
(each item in its own savepoint, a capped selection, ids of another township refused), 催办逾期
单位 from the deadline list (services.urging), and the zip job of PDFs (services.pdf_zip) with
its failure naming the document, its download, expiry and a real worker's run.

The app sides (批量交办 of suggestions, 导出全年履职档案, 打印受理告知书) are tested in
tests/deputies/test_batch_views.py and tests/petitions/test_batch_notices.py."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from congress_office.models import JobKind, Notification, PdfJob, PdfJobStatus, Reminder
from congress_office.registries import PdfReport, pdf_reports
from congress_office.roles import Role
from congress_office.services.pdf import job_files_expire, job_task
from congress_office.services.pdf_zip import pdf_zip_job_run, pdf_zip_job_start, safe_name, unique_names
from congress_office.services.urging import deadline_urge_unit
from congress_office.tasks import render_zip_job
from congress_office.views.batch import BatchItem, BatchView
from tests.factories import UnitFactory, make_deadline

REMIND = reverse("core:deadline_remind")
LIST = reverse("core:deadline_list")
TEST_REPORT = "tests.batch_letter"


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def overdue(township, unit, title, days=5):
    """A pending deadline of `unit` due `days` days ago (past due today, whatever today is)."""
    today = timezone.localdate()
    return make_deadline(township=township, unit=unit, title=title, start=today - timedelta(days=days + 15), limit=15)


@pytest.fixture
def handler(users):
    return users[Role.UNIT_HANDLER]  # of `unit` (自然资源所)


@pytest.fixture
def unit_without_handler(township):
    return UnitFactory(township=township, name="农业服务中心")


@pytest.fixture
def overdue_items(township, unit, unit_without_handler):
    """Two overdue items of 自然资源所 (which has a handler account), one of 农业服务中心 (none),
    one item of 自然资源所 not yet due."""
    due_later = make_deadline(township=township, unit=unit, title="未到期事项", start=timezone.localdate(), limit=30)
    return {
        "a": overdue(township, unit, "土地补偿款信访"),
        "b": overdue(township, unit, "宅基地纠纷信访", days=2),
        "c": overdue(township, unit_without_handler, "灌溉渠修缮建议"),
        "later": due_later,
    }


def post(client, url, data):
    return client.post(url, data)


# --- 催办逾期单位: confirmation, execution, summary ------------------------------------------


def test_the_deadline_list_offers_the_batch_to_the_clerk_only(client_for, clerk, chair, overdue_items):
    page = client_for(clerk).get(LIST + "?state=overdue").content.decode()
    assert 'data-testid="remind-all"' in page and 'form="deadline-batch"' in page
    assert 'data-batch-all="deadline-batch"' in page and "js/batch.js" in page
    response = client_for(chair).get(LIST + "?state=overdue")
    assert response.status_code == 200 and response.context["deadlines"]
    page = response.content.decode()
    assert 'data-testid="remind-all"' not in page and 'form="deadline-batch"' not in page


def test_the_confirmation_lists_each_unit_with_its_overdue_count(client_for, clerk, handler, overdue_items):
    """Ticked items grouped by unit: 自然资源所 with 2 items and its handler named, 农业服务中心
    skipped for want of a handler account, the item not yet due skipped on its own line."""
    ids = [overdue_items[k].pk for k in ("a", "b", "c", "later")]
    response = post(client_for(clerk), REMIND, {"ids": ids})

    assert response.status_code == 200
    items = {item.key: item for item in response.context["items"]}
    resources = items[f"unit-{overdue_items['a'].responsible_unit_id}"]
    assert resources.label == "自然资源所（逾期 2 项）"
    assert handler.display_name in resources.action and not resources.skip
    farm = items[f"unit-{overdue_items['c'].responsible_unit_id}"]
    assert "没有经办人账号" in farm.skip
    assert items[f"deadline-{overdue_items['later'].pk}"].skip == "尚未逾期"
    assert response.context["to_do"] == 1 and response.context["to_skip"] == 2
    # nothing is sent before the confirmation
    assert not Notification.objects.filter(recipient=handler).exists()
    assert not Reminder.objects.exists()
    page = response.content.decode()
    assert 'name="stage" value="confirm"' in page and page.count('name="ids"') == 4


def test_confirm_sends_one_notification_per_unit_and_notes_each_item(client_for, clerk, handler, overdue_items):
    ids = [overdue_items[k].pk for k in ("a", "b", "c", "later")]
    response = post(client_for(clerk), REMIND, {"ids": ids, "stage": "confirm"})

    assert response.status_code == 200
    assert response.context["done_count"] == 1 and response.context["skipped_count"] == 2
    notes = " ".join(response.context["notes"])
    assert "已催办 1 个单位，共 2 项逾期事项" in notes
    assert "没有经办人账号的单位（未发送通知）：农业服务中心" in notes
    [notification] = Notification.objects.filter(recipient=handler)
    assert notification.title.startswith("【催办】自然资源所有 2 项逾期事项")
    assert "土地补偿款信访" in notification.body and "宅基地纠纷信访" in notification.body
    assert "state=overdue" in notification.url
    stage = f"urge:{timezone.localdate().isoformat()}"
    assert set(Reminder.objects.values_list("deadline_id", "stage")) == {
        (overdue_items["a"].pk, stage),
        (overdue_items["b"].pk, stage),
    }
    # the deadline's page lists the 催办 among its reminders
    page = client_for(clerk).get(overdue_items["a"].get_absolute_url()).content.decode()
    assert "人工催办" in page


def test_remind_all_takes_every_overdue_item_of_the_township(
    client_for, clerk, handler, overdue_items, other_township, other_unit
):
    overdue(other_township, other_unit, "白水乡的逾期事项")
    response = post(client_for(clerk), REMIND, {"all": "1"})

    keys = {item.key for item in response.context["items"]}
    assert keys == {f"unit-{overdue_items['a'].responsible_unit_id}", f"unit-{overdue_items['c'].responsible_unit_id}"}
    assert 'name="all" value="1"' in response.content.decode()


def test_a_second_reminder_the_same_day_is_skipped_with_the_reason(client_for, clerk, handler, overdue_items):
    client = client_for(clerk)
    post(client, REMIND, {"all": "1", "stage": "confirm"})
    response = post(client, REMIND, {"all": "1", "stage": "confirm"})

    assert response.context["done_count"] == 0
    [resources] = [o for o in response.context["outcomes"] if o.item.label.startswith("自然资源所")]
    assert resources.message == "今天已催办过该单位的这些逾期事项。"
    assert Notification.objects.filter(recipient=handler).count() == 1


def test_the_urge_service_refuses_another_townships_unit(clerk, other_unit, other_township):
    item = overdue(other_township, other_unit, "白水乡的逾期事项")
    with pytest.raises(Exception, match="只能催办本乡镇"):
        deadline_urge_unit(unit=other_unit, deadlines=[item], by=clerk)


def test_ids_of_another_township_are_refused(client_for, clerk, overdue_items, other_township, other_unit):
    foreign = overdue(other_township, other_unit, "白水乡的逾期事项")
    response = post(client_for(clerk), REMIND, {"ids": [overdue_items["a"].pk, foreign.pk], "stage": "confirm"})

    assert response.status_code == 404
    assert not Reminder.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("role", [Role.CHAIR, Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR, Role.COUNTY])
def test_other_roles_may_not_remind(client_for, users, overdue_items, role):
    response = post(client_for(users[role]), REMIND, {"all": "1", "stage": "confirm"})
    assert response.status_code == 403
    assert not Reminder.objects.exists()


def test_anonymous_is_sent_to_login(client, overdue_items):
    response = client.post(REMIND, {"all": "1"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_batch_needs_the_csrf_token(clerk, overdue_items):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.post(REMIND, {"all": "1", "stage": "confirm"}).status_code == 403
    assert not Reminder.objects.exists()


def test_nothing_ticked_goes_back_with_a_message(client_for, clerk):
    response = post(client_for(clerk), REMIND, {})
    assert response.status_code == 302 and "state=overdue" in response.url
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["请先勾选要处理的记录。"]


def test_a_selection_above_the_cap_is_refused_with_a_clear_message(client_for, clerk):
    response = post(client_for(clerk), REMIND, {"ids": list(range(1, 202)), "stage": "confirm"})
    assert response.status_code == 400
    assert "一次最多处理 200 项，您选择了 201 项" in response.context["error"]
    assert 'data-testid="batch-confirm"' not in response.content.decode()


def test_a_forged_id_is_404(client_for, clerk):
    assert post(client_for(clerk), REMIND, {"ids": ["1; drop"]}).status_code == 404


def test_get_goes_back_to_the_list(client_for, clerk):
    response = client_for(clerk).get(REMIND)
    assert response.status_code == 302 and response.url.startswith(LIST)


def test_the_confirmation_keeps_its_query_count_whatever_the_selection(client_for, clerk, township, unit, handler):
    """The confirmation is a list: 2 units or 6, the same number of queries."""
    client = client_for(clerk)

    def count(n_units):
        ids = []
        for n in range(n_units):
            other = UnitFactory(township=township, name=f"单位{n_units}-{n}")
            ids += [overdue(township, other, f"事项{n_units}-{n}-{k}").pk for k in range(2)]
        with CaptureQueriesContext(connection) as ctx:
            response = post(client, REMIND, {"ids": ids})
        assert response.status_code == 200 and len(response.context["items"]) == n_units
        return len(ctx)

    count(1)  # warm the per-process caches
    assert count(2) == count(6)


# --- the shared flow: one failure undoes nothing of the others -------------------------------------


class NotifyEachView(BatchView):
    """A batch writing one notification per item; the item "2" writes, then is refused."""

    permission_required = ()
    title = "测试批量"

    def get_objects(self, ids):
        return [type("Row", (), {"pk": pk})() for pk in ids]

    def plan(self, objects, options):
        return [BatchItem(key=str(obj.pk), label=f"第{obj.pk}项", action="发通知") for obj in objects]

    def perform(self, item, options):
        Notification.objects.create(recipient=self.request.user, title=f"通知{item.key}")
        if item.key == "2":
            raise ValidationError("第二项不符合条件")
        if item.key == "3":
            raise RuntimeError("boom")
        return "已发送"


def test_each_item_runs_in_its_own_savepoint(clerk):
    """Item 2 is refused after it wrote, item 3 breaks: both are rolled back alone, 1 and 4 stay;
    the summary names each reason (an unexpected error as a plain Chinese line, not its text)."""
    request = RequestFactory().post("/batch/", {"ids": ["1", "2", "3", "4"], "stage": "confirm"})
    request.user = clerk
    request._dont_enforce_csrf_checks = True
    response = NotifyEachView.as_view()(request)

    assert response.status_code == 200
    assert set(Notification.objects.values_list("title", flat=True)) == {"通知1", "通知4"}
    page = response.content.decode()
    assert "已完成 2 项，跳过 2 项" in page
    assert "第二项不符合条件" in page and "系统内部错误，详情已记入日志" in page and "boom" not in page


# --- the zip job ---------------------------------------------------------------------------------


def letter_context(job, progress):
    """A test report: one letter per name, refused for the name "坏"."""
    name = job.params.get("name", "")
    if name == "坏":
        raise ValidationError("找不到该记录，或您无权查看。")
    return {"name": name, "owner": job.owner}


@pytest.fixture
def letter_report(tmp_path, settings):
    template = tmp_path / "letter.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% block body %}<h1>致{{ name }}的信</h1><p>制表：{{ owner }}</p>{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}]
    report = PdfReport(title="测试信函", template="letter.html", build_context=letter_context, params=("name",))
    pdf_reports.register(TEST_REPORT, report)
    yield report
    pdf_reports.unregister(TEST_REPORT)


def letters(*names):
    return [{"params": {"name": name}, "name": f"2026-{name}-信函.pdf"} for name in names]


def test_file_names_are_made_safe_and_unique():
    assert safe_name("a/b:c*") == "a-b-c.pdf"
    assert safe_name("2026-张三-履职档案.pdf") == "2026-张三-履职档案.pdf"
    assert safe_name("..", "zip") == "document.zip"
    assert unique_names(["2026-张三-履职档案.pdf", "2026-李四-履职档案.pdf", "2026-张三-履职档案.pdf"]) == [
        "2026-张三-履职档案.pdf",
        "2026-李四-履职档案.pdf",
        "2026-张三-履职档案(2).pdf",
    ]


def test_the_zip_job_renders_each_document_and_offers_the_zip(
    client_for, clerk, letter_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = pdf_zip_job_start(
            report=TEST_REPORT, user=clerk, items=letters("张三", "李四", "张三"), title="信函", filename="信函.zip"
        )
    job.refresh_from_db()

    assert job.kind == JobKind.ZIP and job.status == PdfJobStatus.DONE, job.message
    assert job.progress == 100 and job.message == "已完成，共 3 份"
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert archive.namelist() == ["2026-张三-信函.pdf", "2026-李四-信函.pdf", "2026-张三-信函(2).pdf"]
        texts = {name: pdf_text(archive.read(name)) for name in archive.namelist()}
    assert "致张三的信" in texts["2026-张三-信函.pdf"] and "致李四的信" in texts["2026-李四-信函.pdf"]
    assert f"制表：{clerk}" in texts["2026-李四-信函.pdf"]

    client = client_for(clerk)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "下载压缩包（ZIP）" in page and "已完成，共 3 份" in page
    response = client.get(reverse("core:pdfjob_download", args=[job.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and ".zip" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()[1] == "2026-李四-信函.pdf"


def test_progress_counts_the_documents(clerk, letter_report, monkeypatch):
    job = pdf_zip_job_start(report=TEST_REPORT, user=clerk, items=letters("甲", "乙"), title="信函", filename="x")
    seen = []
    from congress_office.services import pdf_zip

    original = pdf_zip.job_progress

    def spy(job):
        record = original(job)

        def progress(percent, message):
            seen.append((percent, message))
            record(percent, message)

        return progress

    monkeypatch.setattr(pdf_zip, "job_progress", spy)
    pdf_zip_job_run(job_id=job.pk)

    assert seen == [(50, "已生成 1/2"), (95, "已生成 2/2")]


def test_a_failing_document_fails_the_job_naming_it(client_for, clerk, letter_report):
    job = pdf_zip_job_start(
        report=TEST_REPORT, user=clerk, items=letters("张三", "坏", "李四"), title="信函", filename="x"
    )
    pdf_zip_job_run(job_id=job.pk)
    job.refresh_from_db()

    assert job.status == PdfJobStatus.FAILED and not job.file
    assert job.message == "第 2/3 份「2026-坏-信函.pdf」生成失败：找不到该记录，或您无权查看。"
    page = client_for(clerk).get(job.get_absolute_url()).content.decode()
    assert "2026-坏-信函.pdf" in page and "job-download" not in page


def test_a_zip_job_run_twice_renders_once(clerk, letter_report):
    job = pdf_zip_job_start(report=TEST_REPORT, user=clerk, items=letters("张三"), title="信函", filename="x")
    assert pdf_zip_job_run(job_id=job.pk, task_id="t1").status == PdfJobStatus.DONE
    assert pdf_zip_job_run(job_id=job.pk, task_id="t2") is None


def test_the_zip_job_is_refused_without_the_reports_permission_or_above_the_cap(clerk, users, letter_report):
    from django.core.exceptions import PermissionDenied

    pdf_reports.unregister(TEST_REPORT)
    pdf_reports.register(TEST_REPORT, PdfReport("t", "letter.html", letter_context, permission="core.add_township"))
    with pytest.raises(PermissionDenied):
        pdf_zip_job_start(report=TEST_REPORT, user=clerk, items=letters("甲"), title="t", filename="x")
    pdf_reports.unregister(TEST_REPORT)
    pdf_reports.register(TEST_REPORT, letter_report)
    with pytest.raises(ValidationError, match="一次最多生成 200 份"):
        pdf_zip_job_start(report=TEST_REPORT, user=clerk, items=letters(*map(str, range(201))), title="t", filename="x")
    with pytest.raises(ValidationError, match="没有可生成的文件"):
        pdf_zip_job_start(report=TEST_REPORT, user=clerk, items=[], title="t", filename="x")
    assert not PdfJob.objects.exists()


def test_the_sweeper_requeues_a_zip_job_with_its_own_task():
    assert job_task(JobKind.ZIP) is render_zip_job


def test_a_zip_expires_like_every_job_file(clerk, letter_report, settings):
    job = pdf_zip_job_start(report=TEST_REPORT, user=clerk, items=letters("甲"), title="信函", filename="x")
    pdf_zip_job_run(job_id=job.pk)
    job.refresh_from_db()
    name = job.file.name
    assert name.startswith("pdf/") and name.endswith(".zip")
    PdfJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - timedelta(days=settings.JOB_FILE_KEEP_DAYS + 1)
    )

    assert job_files_expire() == 1
    job.refresh_from_db()
    assert not job.file and not job.file.storage.exists(name)


def test_another_users_zip_is_404(client_for, clerk, users, letter_report):
    job = pdf_zip_job_start(report=TEST_REPORT, user=clerk, items=letters("甲"), title="信函", filename="x")
    pdf_zip_job_run(job_id=job.pk)
    client = client_for(users[Role.CHAIR])
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("core:pdfjob_download", args=[job.pk])).status_code == 404


# --- a real worker -----------------------------------------------------------------------------


@pytest.mark.real_worker
@pytest.mark.xdist_group("worker")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
def test_a_zip_job_rendered_by_the_worker(celery_worker, township, make_user):
    """Two deputies' 履职档案 of 2026 rendered by the worker into one zip, each PDF naming its deputy."""
    from tests.core.conftest import wait_until
    from tests.deputies.factories import DeputyFactory, TermFactory

    clerk = make_user(Role.CLERK, township, username="clerk")
    term = TermFactory(township=township)
    first, second = DeputyFactory(term=term, name="张桂兰"), DeputyFactory(term=term, name="李秀梅")
    items = [
        {"params": {"deputy_id": d.pk, "year": 2026}, "name": f"2026-{d.name}-履职档案.pdf"} for d in (first, second)
    ]
    with celery_worker.routing():
        job = pdf_zip_job_start(report="deputies.record", user=clerk, items=items, title="履职档案", filename="x")

    def finished():
        job.refresh_from_db()
        return job.is_finished

    wait_until(finished, timeout=120, interval=0.2, message="the zip job to finish")
    assert job.status == PdfJobStatus.DONE, job.message
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert archive.namelist() == ["2026-张桂兰-履职档案.pdf", "2026-李秀梅-履职档案.pdf"]
        assert "张桂兰" in pdf_text(archive.read("2026-张桂兰-履职档案.pdf"))
        assert "李秀梅" in pdf_text(archive.read("2026-李秀梅-履职档案.pdf"))


# --- the benchmark's rows ------------------------------------------------------------------------


def test_the_benchmark_measures_the_batch_pages_and_the_zip_job(client_for, clerk, township):
    from congress_office.bench.measure import build_cases
    from tests.deputies.factories import DeputyFactory, TermFactory

    term = TermFactory(township=township, start_date=timezone.localdate().replace(month=1, day=1))
    deputies = [DeputyFactory(term=term, name=f"代表{n}") for n in range(12)]
    cases = {case.name: case for case in build_cases(township)}

    zip_case = cases["履职档案 ZIP（10份）"]
    assert zip_case.method == "POST" and zip_case.kind == "zip" and len(zip_case.data["ids"]) == 10
    assert set(zip_case.data["ids"]) <= {d.pk for d in deputies}
    remind = cases["催办逾期单位 确认页"]
    response = client_for(clerk).post(remind.url, remind.data)
    assert response.status_code == 302  # nothing overdue: back to the list with a message
