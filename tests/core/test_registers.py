"""Printable registers (issue 14 item 7): 信访登记簿, 来访登记表（接谈记录）, 代表名册, 督办台账,
收文登记簿 and 发文登记簿. Each has a print page (core:register_print: the sheet, the print
stylesheet, a 打印 button) and a PDF job (core:pdfjob_start with the same key): the same rows,
read through what the user may see; phones and ID numbers masked unless asked for in full by
someone allowed (logged); a fixed number of queries whatever the rows; another township's rows,
the wrong role and a county account on a per-person register refused.

PDF renders cost about a second each: one per register, the font check riding on the first."""

import dataclasses
from contextlib import contextmanager
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.models import PdfJob, PdfJobStatus
from congress_office.registries import print_registers
from congress_office.roles import Role
from deputies.models import DeputyContactAccess
from petitions.choices import Channel
from petitions.models import PersonalDataAccess
from petitions.services.handling import petition_assign, petition_reply, petition_supervise
from petitions.services.registration import petition_accept

from ..deputies.factories import DeputyFactory, DeputyGroupFactory, DistrictFactory, TermFactory
from ..factories import UnitFactory
from ..petitions.factories import register_petition
from .test_pdf import families, is_embedded, pdf_fonts, pdf_text, save_artifact, squash

PHONE, ID_NUMBER = "13812345678", "320102197503081234"
MASKED_PHONE = "138****5678"


def print_url(key, **query):
    from urllib.parse import urlencode

    url = reverse("core:register_print", args=[key])
    return f"{url}?{urlencode(query)}" if query else url


def page(client, key, **query):
    response = client.get(print_url(key, **query))
    return response, response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@contextmanager
def queries_unchanged(client, key):
    """The print page of `key` runs as many queries after the block (which adds rows) as
    before it; yields that number."""
    url = print_url(key)
    few = count_queries(client, url)
    yield few
    assert count_queries(client, url) == few


def petitions_of(township, clerk, n, start=0, **kwargs):
    return [
        register_petition(
            township=township,
            by=clerk,
            title=f"土地补偿款未足额发放{i}",
            received_on=date(2026, 3, 1 + i),
            phone=f"1381234{5600 + i}",
            **kwargs,
        )
        for i in range(start, start + n)
    ]


def run_report(client, capture, report, params, owner):
    """Start the register's PDF job as `owner` (logged in on `client`) with `params`, run it
    (eager, on commit): (the job, the PDF's bytes or None when it failed)."""
    with capture(execute=True):
        response = client.post(reverse("core:pdfjob_start", args=[report]), params)
    assert response.status_code == 302
    job = PdfJob.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1], owner=owner)
    if job.status != PdfJobStatus.DONE:
        return job, None
    return job, b"".join(client.get(reverse("core:pdfjob_download", args=[job.pk])).streaming_content)


def report_text(client, capture, report, params, owner, artifact=""):
    """Run the register's PDF job (run_report), which must succeed: (the PDF's bytes, its text,
    squashed); kept as the test artifact `artifact` when named."""
    job, data = run_report(client, capture, report, params, owner)
    assert job.status == PdfJobStatus.DONE, job.message
    if artifact:
        save_artifact(artifact, data)
    return data, squash(pdf_text(data))


def assert_all_in(text, *expected):
    for part in expected:
        assert part in text, part


def assert_cjk_fonts_embedded(data):
    fonts = pdf_fonts(data)
    assert fonts and all(is_embedded(font) for font in fonts)
    assert any("cjk" in family or "sc gb" in family for family in families(data)), families(data)


# --- the print stylesheet ---------------------------------------------------------------------------


def test_every_page_loads_the_print_stylesheet_and_a_register_prints_from_a_button(client_for, clerk, township):
    """base.html links static/css/print.css for print only; the register's page has the 打印
    button app.js wires (no inline script: the CSP), the sheet and its repeated-header table."""
    register_petition(township=township, by=clerk)
    client = client_for(clerk)
    home = client.get(reverse("core:home")).content.decode()
    assert 'href="/static/css/print.css" media="print"' in home

    response, html = page(client, "petitions.register")
    assert response.status_code == 200
    assert "data-print" in html and 'class="register-sheet register-landscape"' in html
    assert "<thead>" in html and "no-print" in html
    assert "<script>" not in html and "onclick" not in html
    assert response["Cache-Control"].count("no-store") == 1

    from django.contrib.staticfiles import finders

    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    for rule in ("nav.navbar", ".no-print", "display: table-header-group", "break-inside: avoid", "A4 landscape"):
        assert rule in css


# --- 信访登记簿 -------------------------------------------------------------------------------------


def test_the_petition_register_lists_the_rows_of_the_list_masked(client_for, clerk, township, unit, other_clerk):
    first, second = petitions_of(township, clerk, 2)
    petition_accept(petition=first, by=clerk, on=date(2026, 3, 3))
    first.refresh_from_db()
    petition_assign(petition=first, lead_unit=unit, by=clerk)
    register_petition(township=other_clerk.township, by=other_clerk, title="白水乡的信访件")

    response, html = page(client_for(clerk), "petitions.register")

    assert response.status_code == 200
    assert_all_in(
        html,
        "青山镇",
        "信访登记簿",
        "编号",
        "登记日期",
        "来信/来访",
        "信访人",
        "事项",
        "承办单位",
        "期限",
        "状态/办结日期",
        str(first.number),
        "2026-03-01",
        "土地补偿款未足额发放0",
        "自然资源所",
        "办理中",
        "待受理",
        "王大山",
        "来信",
    )
    assert "白水乡的信访件" not in html
    assert PHONE[:3] + "****" in html and "13812345600" not in html
    assert html.index("土地补偿款未足额发放0") < html.index("土地补偿款未足额发放1")  # oldest first
    assert not PersonalDataAccess.objects.exists()


def test_the_petition_register_follows_the_list_filters_and_the_year(client_for, clerk, township):
    petitions_of(township, clerk, 2)
    register_petition(township=township, by=clerk, title="来访反映村道损坏", channel=Channel.VISIT)
    register_petition(township=township, by=clerk, title="去年的信访件", received_on=date(2025, 5, 6))
    client = client_for(clerk)

    _r, visits = page(client, "petitions.register", channel="visit")
    assert "来访反映村道损坏" in visits and "土地补偿款未足额发放0" not in visits
    assert "信访方式：来访" in visits  # the scope line says what was chosen

    _r, this_year = page(client, "petitions.register", year="2026")
    assert "去年的信访件" not in this_year and "土地补偿款未足额发放1" in this_year
    _r, last_year = page(client, "petitions.register", year="2025")
    assert "去年的信访件" in last_year and "土地补偿款未足额发放1" not in last_year


def test_a_clerk_may_print_phone_numbers_in_full_and_each_is_logged(client_for, clerk, township, users):
    petitions = petitions_of(township, clerk, 2)
    client = client_for(clerk)

    _r, masked = page(client, "petitions.register")
    assert 'data-testid="show-full"' in masked

    _r, html = page(client, "petitions.register", full="1")
    assert "13812345600" in html and "13812345601" in html
    assert "本登记簿含完整的个人信息" in html
    logged = PersonalDataAccess.objects.filter(user=clerk)
    assert sorted(logged.values_list("petition_id", flat=True)) == sorted(p.pk for p in petitions)

    # the auditor reads the register, never the numbers in full, whatever the query asks
    _r, audited = page(client_for(users[Role.AUDITOR]), "petitions.register", full="1")
    assert "13812345600" not in audited and MASKED_PHONE[:7] in audited
    assert 'data-testid="show-full"' not in audited
    assert not PersonalDataAccess.objects.filter(user=users[Role.AUDITOR]).exists()


def test_the_print_page_runs_a_fixed_number_of_queries(client_for, clerk, township, unit):
    client = client_for(clerk)
    for i, petition in enumerate(petitions_of(township, clerk, 2)):
        petition_accept(petition=petition, by=clerk, on=date(2026, 3, 5))
        if i == 0:
            petition.refresh_from_db()
            petition_assign(petition=petition, lead_unit=unit, by=clerk)
    with queries_unchanged(client, "petitions.register") as few:
        second_unit = UnitFactory(township=township, name="城建办")
        for petition in petitions_of(township, clerk, 4, start=2):
            petition_accept(petition=petition, by=clerk, on=date(2026, 3, 9))
            petition.refresh_from_db()
            petition_assign(petition=petition, lead_unit=second_unit, by=clerk)
    assert few <= 16


def test_a_long_register_prints_its_first_rows_and_says_so(client_for, clerk, township, settings):
    settings.REGISTER_PRINT_MAX_ROWS = 2
    petitions_of(township, clerk, 3)

    _r, html = page(client_for(clerk), "petitions.register")

    assert 'data-testid="register-truncated"' in html
    assert "本页仅列出前 2 条（共 3 条）" in html  # on paper too
    assert "土地补偿款未足额发放1" in html and "土地补偿款未足额发放2" not in html


def test_an_empty_register_says_what_to_do(client_for, clerk, township):
    _r, html = page(client_for(clerk), "petitions.register", year="2030")
    assert 'data-testid="register-empty"' in html and "请调整年度或筛选条件" in html
    assert "data-print" not in html


@pytest.mark.parametrize(
    ("role", "key", "status"),
    [
        (Role.COUNTY, "petitions.register", 403),  # county accounts read petition figures only
        (Role.UNIT_HANDLER, "deputies.register", 403),
        (Role.COUNTY, "deputies.register", 403),  # a per-person register: aggregates only
        (Role.DEPUTY, "documents.incoming_register", 403),
        (Role.AUDITOR, "petitions.register", 200),
        (Role.CHAIR, "core.supervision_ledger", 200),
    ],
)
def test_each_register_asks_for_the_lists_permission(client_for, users, role, key, status):
    assert client_for(users[role]).get(print_url(key)).status_code == status


def test_a_deputy_prints_only_the_petitions_they_passed_on(client_for, users, clerk, township):
    """The list's permission, the list's visibility: a deputy's register holds what they forwarded."""
    register_petition(township=township, by=clerk, title="与该代表无关的信访件")
    response, html = page(client_for(users[Role.DEPUTY]), "petitions.register")
    assert response.status_code == 200
    assert "与该代表无关的信访件" not in html and 'data-testid="register-empty"' in html


def test_unknown_register_is_404_and_anonymous_goes_to_login(client, client_for, clerk):
    assert client.get(print_url("petitions.register")).status_code == 302
    assert client_for(clerk).get(print_url("no.such")).status_code == 404


def test_a_township_user_asking_for_another_township_is_refused(client_for, clerk, other_township):
    response = client_for(clerk).get(print_url("petitions.register", township=other_township.pk))
    assert response.status_code == 403


def test_the_petition_register_pdf(client_for, clerk, township, django_capture_on_commit_callbacks):
    """The PDF job of the print page's query: title, township, headers, rows, page numbers
    "第 X 页 共 Y 页", numbers masked, CJK fonts embedded."""
    petitions_of(township, clerk, 2)
    register_petition(township=township, by=clerk, title="去年的信访件", received_on=date(2025, 5, 6))
    client = client_for(clerk)

    _r, html = page(client, "petitions.register", year="2026")
    assert f'action="{reverse("core:pdfjob_start", args=["petitions.register"])}"' in html
    assert 'name="year" value="2026"' in html

    data, text = report_text(
        client,
        django_capture_on_commit_callbacks,
        "petitions.register",
        {"year": "2026"},
        clerk,
        artifact="register_petitions",
    )
    assert_all_in(
        text, "青山镇", "信访登记簿", "编号", "登记日期", "承办单位", "状态/办结日期", "土地补偿款未足额发放1"
    )
    assert "第1页共1页" in text
    assert "去年的信访件" not in text
    assert "138****5600" in text and "13812345600" not in text
    assert_cjk_fonts_embedded(data)


def test_a_pdf_job_for_another_township_fails_with_a_reason(
    client_for, clerk, other_township, other_clerk, django_capture_on_commit_callbacks
):
    elsewhere = register_petition(township=other_township, by=other_clerk, channel=Channel.VISIT)
    client = client_for(clerk)

    job, data = run_report(
        client, django_capture_on_commit_callbacks, "petitions.register", {"township": str(other_township.pk)}, clerk
    )
    assert (job.status, data) == (PdfJobStatus.FAILED, None)
    assert "不能打印或导出其他乡镇的登记簿" in job.message

    job, data = run_report(
        client, django_capture_on_commit_callbacks, "petitions.visit_sheets", {"petition_id": str(elsewhere.pk)}, clerk
    )
    assert job.status == PdfJobStatus.FAILED and "找不到该信访件" in job.message


def test_a_pdf_over_the_limit_is_refused_before_anything_is_logged(
    client_for, clerk, township, settings, django_capture_on_commit_callbacks
):
    settings.REGISTER_PDF_MAX_ROWS = 1
    petitions_of(township, clerk, 2)

    job, _data = run_report(
        client_for(clerk), django_capture_on_commit_callbacks, "petitions.register", {"full": "1"}, clerk
    )

    assert job.status == PdfJobStatus.FAILED
    assert "超过登记簿 PDF 的上限 1 条" in job.message
    assert not PersonalDataAccess.objects.exists()


# --- 来访登记表（接谈记录） ------------------------------------------------------------------------


@pytest.fixture
def visit(township, clerk):
    return register_petition(
        township=township,
        by=clerk,
        channel=Channel.VISIT,
        title="来访反映宅基地纠纷",
        oral_record="来访人称邻居占用其宅基地约20平方米。",
        is_group=True,
        headcount=6,
        representatives=["王大山", "李小河"],
    )


def test_one_visit_sheet_per_visit_petition(client_for, clerk, township, visit):
    register_petition(township=township, by=clerk, title="来信反映的问题")  # a letter: no sheet
    second = register_petition(township=township, by=clerk, channel=Channel.VISIT, title="来访反映饮水困难")
    client = client_for(clerk)

    detail = client.get(visit.get_absolute_url()).content.decode()
    assert f"{print_url('petitions.visit_sheets')}?petition_id={visit.pk}" in detail

    _r, one = page(client, "petitions.visit_sheets", petition_id=visit.pk)
    assert one.count('data-testid="visit-sheet"') == 1
    assert_all_in(
        one,
        "来访登记表（接谈记录）",
        "来访人",
        "人数",
        "证件号码",
        "联系方式",
        "反映问题",
        "接谈人",
        "接谈情况",
    )
    assert_all_in(
        one,
        "处理意见",
        "来访人签字",
        "接谈人签字",
        "王大山、李小河",
        "6",
        "来访人称邻居占用其宅基地约20平方米",
    )
    assert "3201**********1234" in one and ID_NUMBER not in one and MASKED_PHONE in one

    _r, all_visits = page(client, "petitions.visit_sheets")
    assert all_visits.count('data-testid="visit-sheet"') == 2
    assert "来访反映饮水困难" in all_visits and "来信反映的问题" not in all_visits
    assert second.number

    # a sheet is a page: the print page stops at the register's own cap, below the table's
    spec = print_registers["petitions.visit_sheets"]
    assert spec.print_rows == 100 < settings.REGISTER_PRINT_MAX_ROWS
    print_registers.unregister("petitions.visit_sheets")
    print_registers.register("petitions.visit_sheets", dataclasses.replace(spec, print_rows=1))
    try:
        _r, capped = page(client, "petitions.visit_sheets")
    finally:
        print_registers.unregister("petitions.visit_sheets")
        print_registers.register("petitions.visit_sheets", spec)
    assert capped.count('data-testid="visit-sheet"') == 1 and "共 2 条，打印页只列出前 1 条" in capped

    _r, letter = page(client, "petitions.visit_sheets", petition_id=visit.pk + 1)
    assert "该信访件不是来访" in letter


def test_the_visit_sheet_in_full_for_the_clerk_only_and_logged(client_for, clerk, visit, users):
    _r, html = page(client_for(clerk), "petitions.visit_sheets", petition_id=visit.pk, full="1")
    assert ID_NUMBER in html and PHONE in html
    assert PersonalDataAccess.objects.filter(user=clerk, petition=visit).count() == 1

    handler = users[Role.UNIT_HANDLER]  # not assigned to this petition: not found
    _r, html = page(client_for(handler), "petitions.visit_sheets", petition_id=visit.pk, full="1")
    assert "找不到该信访件" in html and ID_NUMBER not in html

    # assigned to its unit: the handler prints the sheet, numbers masked (the office prints in full)
    petition_accept(petition=visit, by=clerk, on=visit.received_on)
    visit.refresh_from_db()
    petition_assign(petition=visit, lead_unit=handler.unit, by=clerk)
    _r, html = page(client_for(handler), "petitions.visit_sheets", petition_id=visit.pk, full="1")
    assert "来访反映宅基地纠纷" in html and ID_NUMBER not in html and "3201**********1234" in html
    assert not PersonalDataAccess.objects.filter(user=handler).exists()


def test_the_visit_sheets_pdf(client_for, clerk, visit, django_capture_on_commit_callbacks):
    data, text = report_text(
        client_for(clerk),
        django_capture_on_commit_callbacks,
        "petitions.visit_sheets",
        {"petition_id": str(visit.pk)},
        clerk,
        artifact="register_visit_sheet",
    )
    assert_all_in(text, "青山镇", "来访登记表（接谈记录）", "来访人", "证件号码", "反映问题", "接谈人", "接谈情况")
    assert_all_in(text, "处理意见", "来访人签字", "来访反映宅基地纠纷", "3201**********1234", "第1页共1页")
    assert ID_NUMBER not in text


# --- 代表名册 --------------------------------------------------------------------------------------


@pytest.fixture
def deputies(township):
    term = TermFactory(township=township)
    district = DistrictFactory(term=term, name="东风村选区")
    group = DeputyGroupFactory(term=term, name="东风代表小组")
    return [
        DeputyFactory(
            term=term,
            name=f"张桂兰{i}",
            district=district,
            group=group,
            occupation="村党支部书记",
            work_unit="东风村村委会",
            phone=f"1390000202{i}",
        )
        for i in range(2)
    ]


def test_the_deputy_register_masks_phones_and_logs_a_full_print(client_for, clerk, deputies, other_township):
    DeputyFactory(term=TermFactory(township=other_township), name="白水乡代表")
    client = client_for(clerk)

    _r, html = page(client, "deputies.register")
    assert_all_in(
        html,
        "代表名册",
        "姓名",
        "性别",
        "民族",
        "出生年月",
        "党派",
        "选区",
        "代表小组",
        "职业/单位",
        "联系电话",
    )
    assert_all_in(
        html,
        "张桂兰0",
        "女",
        "汉族",
        "1975.03",
        "群众",
        "东风村选区",
        "东风代表小组",
        "村党支部书记",
        "139****2020",
    )
    assert "13900002020" not in html and "白水乡代表" not in html
    assert not DeputyContactAccess.objects.exists()

    _r, full = page(client, "deputies.register", full="1")
    assert "13900002020" in full and "13900002021" in full
    assert DeputyContactAccess.objects.filter(user=clerk, kind="export").count() == 1


def test_the_deputy_register_queries_are_fixed(client_for, clerk, deputies, township):
    client = client_for(clerk)
    with queries_unchanged(client, "deputies.register"):
        term = deputies[0].term
        for i in range(4):
            DeputyFactory(
                term=term, name=f"新代表{i}", district=DistrictFactory(term=term), group=DeputyGroupFactory(term=term)
            )


def test_the_deputy_register_pdf(client_for, clerk, deputies, django_capture_on_commit_callbacks):
    data, text = report_text(
        client_for(clerk),
        django_capture_on_commit_callbacks,
        "deputies.register",
        {},
        clerk,
        artifact="register_deputies",
    )
    assert_all_in(
        text,
        "青山镇",
        "代表名册",
        "出生年月",
        "联系电话",
        "张桂兰1",
        "东风代表小组",
        "139****2021",
        "第1页共1页",
    )
    assert "13900002021" not in text


def test_a_county_accounts_deputy_register_pdf_is_refused(
    users, client_for, deputies, django_capture_on_commit_callbacks
):
    county = users[Role.COUNTY]
    job, data = run_report(client_for(county), django_capture_on_commit_callbacks, "deputies.register", {}, county)
    assert job.status == PdfJobStatus.FAILED and "不能打印或导出逐人名单" in job.message


# --- 督办台账 --------------------------------------------------------------------------------------


@pytest.fixture
def supervised(township, clerk, chair, unit, other_township, other_clerk):
    """Two supervised petitions of the township (the first answered after its notice) and one of
    another township."""
    today = timezone.localdate()
    rows = []
    for title in ("村道损坏无人维修", "饮水安全问题"):
        petition = register_petition(township=township, by=clerk, title=title, received_on=today)
        petition_accept(petition=petition, by=clerk, on=today)
        petition.refresh_from_db()
        petition_assign(petition=petition, lead_unit=unit, by=clerk)
        supervision, _job = petition_supervise(petition=petition, by=chair, content="请加快办理。", reply_by=today)
        rows.append((petition, supervision))
    other_unit = UnitFactory(township=other_township, name="财政所")
    elsewhere = register_petition(township=other_township, by=other_clerk, title="白水乡的督办件", received_on=today)
    petition_accept(petition=elsewhere, by=other_clerk, on=today)
    elsewhere.refresh_from_db()
    petition_assign(petition=elsewhere, lead_unit=other_unit, by=other_clerk)
    petition_supervise(petition=elsewhere, by=other_clerk, content="请加快办理。")
    return rows


def test_the_supervision_ledger(client_for, chair, supervised, users):
    (first, notice), (second, _notice) = supervised
    first.refresh_from_db()
    petition_reply(petition=first, by=users[Role.UNIT_HANDLER], outcome="explain", content="已修复村道并答复信访人。")

    _r, html = page(client_for(chair), "core.supervision_ledger")
    assert_all_in(html, "督办台账", "督办单号", "事项", "督办单位", "督办日期", "要求反馈日期", "反馈情况", "状态")
    assert_all_in(
        html,
        str(notice.number),
        "村道损坏无人维修",
        "饮水安全问题",
        "自然资源所",
        "已修复村道并答复信访人",
        "已反馈",
        "待反馈",
    )
    assert "白水乡的督办件" not in html

    _r, waiting = page(client_for(chair), "core.supervision_ledger", status="waiting")
    assert "饮水安全问题" in waiting and "村道损坏无人维修" not in waiting


def test_the_ledger_shows_only_cases_the_user_may_see(client_for, supervised, users, make_user, township):
    elsewhere = make_user(Role.UNIT_HANDLER, township, username="other_unit", unit=UnitFactory(township=township))
    _r, html = page(client_for(elsewhere), "core.supervision_ledger")
    assert "村道损坏无人维修" not in html and 'data-testid="register-empty"' in html

    _r, html = page(client_for(users[Role.UNIT_HANDLER]), "core.supervision_ledger")
    assert "村道损坏无人维修" in html

    # the county reads petition figures only: no petition's notice, not even its title
    _r, html = page(client_for(users[Role.COUNTY]), "core.supervision_ledger")
    assert "村道损坏无人维修" not in html and "白水乡的督办件" not in html


def test_the_ledger_queries_are_fixed(client_for, chair, supervised, township, clerk, unit):
    client = client_for(chair)
    with queries_unchanged(client, "core.supervision_ledger"):
        today = timezone.localdate()
        for i in range(3):
            petition = register_petition(township=township, by=clerk, title=f"又一件{i}", received_on=today)
            petition_accept(petition=petition, by=clerk, on=today)
            petition.refresh_from_db()
            petition_assign(petition=petition, lead_unit=UnitFactory(township=township), by=clerk)
            petition_supervise(petition=petition, by=chair, content="请加快办理。")


def test_the_supervision_ledger_pdf(client_for, chair, supervised, django_capture_on_commit_callbacks):
    data, text = report_text(
        client_for(chair),
        django_capture_on_commit_callbacks,
        "core.supervision_ledger",
        {},
        chair,
        artifact="register_supervision",
    )
    assert_all_in(text, "青山镇", "督办台账", "督办单号", "要求反馈日期", "饮水安全问题", "自然资源所", "第1页共1页")
    assert "白水乡的督办件" not in text


# --- 收文登记簿, 发文登记簿 ---------------------------------------------------------------------------


@pytest.fixture
def documents(township, clerk):
    from documents.choices import DocType
    from documents.models import IssuingBody
    from documents.services.incoming import incoming_receive, incoming_register
    from documents.services.outgoing import outgoing_create

    body = IssuingBody.objects.create(township=township, name="青山镇人民代表大会主席团", code="青人")
    incoming = incoming_receive(
        township=township, by=clerk, sender="县人大常委会办公室", title="关于做好代表建议办理工作的通知"
    )
    incoming_register(document=incoming, by=clerk, sender_number="县人办〔2026〕12号", doc_type=DocType.NOTICE, pages=3)
    outgoing = outgoing_create(
        township=township,
        by=clerk,
        issuing_body=body,
        doc_type=DocType.NOTICE,
        title="关于召开镇第十九届人民代表大会第三次会议的通知",
        main_recipients="各村（社区）、镇直各单位",
        body="经镇人大主席团研究，定于2026年12月20日召开会议。",
        signature="青山镇人大主席团",
    )
    return incoming, outgoing


def test_the_incoming_and_outgoing_registers(client_for, clerk, documents, other_clerk):
    from documents.services.incoming import incoming_receive

    incoming_receive(township=other_clerk.township, by=other_clerk, sender="县委办", title="白水乡的来文")
    client = client_for(clerk)

    _r, html = page(client, "documents.incoming_register")
    assert_all_in(
        html,
        "收文登记簿",
        "收文号",
        "来文机关",
        "来文字号",
        "县人大常委会办公室",
        "县人办〔2026〕12号",
        "关于做好代表建议办理工作的通知",
    )
    assert "白水乡的来文" not in html
    _r, html = page(client, "documents.outgoing_register")
    assert_all_in(
        html,
        "发文登记簿",
        "发文字号",
        "主送机关",
        "（未编号）",
        "关于召开镇第十九届人民代表大会第三次会议的通知",
    )


def test_a_classified_document_stays_off_the_register_of_an_uncleared_user(
    client_for, township, clerk, users, documents
):
    from documents.choices import Secrecy
    from documents.services.incoming import incoming_receive

    clerk.clearance = 2
    clerk.save()
    incoming_receive(township=township, by=clerk, sender="县委办", title="机密来文标题", secrecy=Secrecy.CONFIDENTIAL)

    _r, cleared = page(client_for(clerk), "documents.incoming_register")
    assert "机密来文标题" in cleared
    _r, chair_page = page(client_for(users[Role.CHAIR]), "documents.incoming_register")
    assert "机密来文标题" not in chair_page and "关于做好代表建议办理工作的通知" in chair_page


def test_the_document_registers_queries_are_fixed(client_for, clerk, township, documents):
    from documents.services.incoming import incoming_receive

    client = client_for(clerk)
    with queries_unchanged(client, "documents.incoming_register"):
        for i in range(4):
            incoming_receive(township=township, by=clerk, sender=f"来文机关{i}", title=f"来文{i}")


def test_the_document_register_pdfs(client_for, clerk, documents, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    data, text = report_text(client, django_capture_on_commit_callbacks, "documents.incoming_register", {}, clerk)
    assert_all_in(text, "青山镇", "收文登记簿", "收文号", "县人办〔2026〕12号", "第1页共1页")
    data, text = report_text(
        client,
        django_capture_on_commit_callbacks,
        "documents.outgoing_register",
        {},
        clerk,
        artifact="register_outgoing",
    )
    assert_all_in(text, "发文登记簿", "发文字号", "关于召开镇第十九届人民代表大会第三次会议的通知", "第1页共1页")
    assert PdfJob.objects.filter(owner=clerk, status=PdfJobStatus.DONE).count() == 2
