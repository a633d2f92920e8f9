# ruff: noqa: F811  (the fixtures imported from office_fixtures are redefined as arguments)
"""The office's petition pages: who may open what, the list's filters and query count, the
detail page, attachments, the subject taxonomy.

Expected behaviour:
- every office URL sends anonymous visitors to the login page, answers 403 to a signed-in user
  whose roles lack the permission, and 404 for another township's petition;
- the list runs the same number of queries for N and 3N rows (and stays under a ceiling); each
  filter (q, state, channel, category, subject, received range, repeat only, overdue) narrows
  it as named;
- the detail page shows every registration field, the "重复信访" badge linking the earlier
  case, the attachments (downloaded through an access-checked view), the whole timeline with
  who, when and what, and the deadlines with their basis;
- clerks add subjects for their township, administrators shared ones; duplicates are refused.
"""

import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress_office.models import Deadline
from congress_office.roles import Role
from congress_office.services.cases import case_assign
from petitions.choices import Category, Channel, PetitionState
from petitions.models import Petition, PetitionAttachment, Subject
from petitions.services.intake import petition_intake
from petitions.services.registration import petition_accept, petition_decline

from .office_fixtures import (  # noqa: F401
    other_petition,
    pdf_upload,
    petition,
    png_upload,
    register_petition,
    subject,
    valid_id,
)

pytestmark = pytest.mark.django_db

LIST = reverse("petitions:petition_list")


@pytest.fixture
def attachment(petition):
    return PetitionAttachment.objects.create(petition=petition, file=pdf_upload(), name="材料.pdf", size=10)


@pytest.fixture
def other_attachment(other_petition):
    return PetitionAttachment.objects.create(petition=other_petition, file=pdf_upload(), name="外乡.pdf", size=10)


def office_urls(petition, attachment):
    """(name, url, method) of every office page."""
    return [
        ("list", LIST, "get"),
        ("export", reverse("petitions:petition_export"), "get"),
        ("create", reverse("petitions:petition_create"), "get"),
        ("detail", petition.get_absolute_url(), "get"),
        ("reveal", reverse("petitions:petition_reveal", args=[petition.pk]), "post"),
        ("decide", reverse("petitions:petition_decide", args=[petition.pk]), "get"),
        ("file", reverse("petitions:attachment_download", args=[attachment.pk]), "get"),
        ("subjects", reverse("petitions:subject_list"), "get"),
        ("subject_create", reverse("petitions:subject_create"), "post"),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, petition, attachment):
    for name, url, method in office_urls(petition, attachment):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


def test_a_user_without_the_permission_gets_403(client_for, make_user, township, petition, attachment):
    nobody = make_user(None, township, username="nobody")
    for name, url, method in office_urls(petition, attachment):
        assert getattr(client_for(nobody), method)(url).status_code == 403, name


# role → (403: pages the role may not use, 404: the petition is not theirs to see)
ROLE_LIMITS = {
    Role.DEPUTY: ({"create", "decide", "subjects", "subject_create"}, {"detail", "reveal", "file"}),
    Role.UNIT_HANDLER: ({"create", "decide", "subjects", "subject_create"}, {"detail", "reveal", "file"}),
    Role.AUDITOR: ({"create", "decide", "reveal", "subject_create"}, set()),
    # the county reads aggregates only: no list, detail, attachment or export (issue 12)
    Role.COUNTY: ({"list", "export", "create", "detail", "reveal", "decide", "file", "subject_create"}, set()),
    Role.CHAIR: ({"create", "subject_create"}, set()),
    Role.ADMIN: ({"create", "decide", "reveal"}, set()),
    Role.CLERK: (set(), set()),
}


@pytest.mark.parametrize("role", ROLE_LIMITS, ids=lambda r: r.value)
def test_each_role_is_refused_what_it_may_not_do(client_for, users, petition, attachment, role):
    forbidden, hidden = ROLE_LIMITS[role]
    user = users[role]
    for name, url, method in office_urls(petition, attachment):
        status = getattr(client_for(user), method)(url).status_code
        expected = 403 if name in forbidden else 404 if name in hidden else None
        if expected:
            assert status == expected, (name, status)
        else:
            assert status in (200, 302), (name, status)


def test_another_townships_petition_is_not_found(client_for, other_clerk, other_chair, petition, attachment):
    for user in (other_clerk, other_chair):
        for name, url, method in office_urls(petition, attachment):
            if name in ("detail", "reveal", "decide", "file"):
                assert getattr(client_for(user), method)(url).status_code == 404, name
    rows = client_for(other_clerk).get(LIST).context["petitions"]
    assert petition not in rows


def test_a_deputy_and_a_unit_handler_see_only_their_petitions(client_for, users, township, clerk, unit, petition):
    from tests.deputies.factories import DeputyFactory

    deputy_user, handler = users[Role.DEPUTY], users[Role.UNIT_HANDLER]
    assert client_for(deputy_user).get(petition.get_absolute_url()).status_code == 404
    assert client_for(handler).get(petition.get_absolute_url()).status_code == 404

    deputy = DeputyFactory(term__township=township, user=deputy_user)
    forwarded = register_petition(
        township=township, by=clerk, channel=Channel.DEPUTY, source_deputy=deputy, phone="13600000000"
    )
    petition_accept(petition=petition, by=clerk)
    case_assign(item=petition, lead_unit=unit, by=clerk)
    assert list(client_for(deputy_user).get(LIST).context["petitions"]) == [forwarded]
    assert list(client_for(handler).get(LIST).context["petitions"]) == [petition]


def test_county_wide_users_read_every_township_but_do_not_register(client_for, users, petition, other_petition):
    """An administrator (county-wide) lists every township's petitions; the county role, which
    reads aggregates only, is refused the list (issue 12); neither registers."""
    admin = users[Role.ADMIN]
    response = client_for(admin).get(LIST)

    assert set(response.context["petitions"]) == {petition, other_petition}
    assert "township" in response.context["filterset"].form.fields
    assert client_for(admin).get(reverse("petitions:petition_create")).status_code == 403
    assert client_for(users[Role.COUNTY]).get(LIST).status_code == 403


# --- the list's query count -------------------------------------------------------------------------

_serial = itertools.count()


def add_rows(n, *, township, clerk, unit):
    """n petitions in various states, subjects and channels, some repeats, some assigned."""
    subjects = list(Subject.objects.filter(township__isnull=True))
    for _i in range(n):
        i = next(_serial)
        p = register_petition(
            township=township,
            by=clerk,
            subject_name=subjects[i % len(subjects)].name,
            phone=f"1390000{i % 3:04d}",
            id_number="",
            title=f"事项{i}",
            received_on=date(2026, 10, 1) + timedelta(days=i % 30),
            channel=Channel.values[i % 5],
        )
        if i % 3 == 1:
            petition_accept(petition=p, by=clerk)
            case_assign(item=p, lead_unit=unit, by=clerk)
        elif i % 3 == 2:
            petition_decline(petition=p, by=clerk, reason="不属于受理范围")


def queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx), response


@pytest.mark.parametrize("role", [Role.CLERK, Role.ADMIN, Role.UNIT_HANDLER])
@pytest.mark.parametrize("params", [{}, {"overdue": "on", "repeat": ""}, {"q": "事项"}], ids=["all", "overdue", "q"])
def test_the_list_query_count_does_not_grow_with_rows(client_for, users, township, clerk, unit, role, params):
    """3N rows take exactly the queries of N rows, and at most 14."""
    client = client_for(users[role])
    add_rows(4, township=township, clerk=clerk, unit=unit)
    small, first = queries_for(client, LIST, params)
    add_rows(8, township=township, clerk=clerk, unit=unit)
    large, second = queries_for(client, LIST, params)

    assert small == large <= 14, (small, large)
    if role == Role.CLERK and not params:
        assert len(second.context["petitions"]) == 12


def test_the_export_query_count_does_not_grow_with_rows(client_for, clerk, township, unit):
    client = client_for(clerk)
    add_rows(3, township=township, clerk=clerk, unit=unit)
    small, _r = queries_for(client, reverse("petitions:petition_export"))
    add_rows(6, township=township, clerk=clerk, unit=unit)
    large, _r = queries_for(client, reverse("petitions:petition_export"))

    assert small == large


# --- filters ----------------------------------------------------------------------------------------


def listed(client, **params):
    return set(client.get(LIST, params).context["petitions"])


@pytest.fixture
def three(township, clerk, unit):
    """Three petitions that differ in every filtered attribute."""
    land = register_petition(
        township=township,
        by=clerk,
        title="征地补偿",
        received_on=date(2026, 9, 1),
        phone="13800000001",
        id_number=valid_id(),
        address="东风村3组",
    )
    water = register_petition(
        township=township,
        by=clerk,
        title="饮水安全",
        received_on=date(2026, 10, 1),
        channel=Channel.PHONE,
        category=Category.SUGGESTION,
        subject_name="村务",
        phone="13800000002",
        id_number="",
        petitioner_name="",
        organisation="石桥村合作社",
        address="青山镇石桥村",
    )
    repeat = register_petition(
        township=township,
        by=clerk,
        title="征地补偿再次反映",
        received_on=date(2026, 11, 1),
        channel=Channel.VISIT,
        phone="13800000001",
        id_number="",
    )
    petition_accept(petition=water, by=clerk, on=date(2026, 10, 2))
    return land, water, repeat


def test_filter_q_searches_text_fields_and_numbers(client_for, clerk, three):
    land, water, repeat = three
    client = client_for(clerk)

    assert listed(client, q="征地") == {land, repeat}
    assert listed(client, q="石桥村合作社") == {water}
    assert listed(client, q="东风村3组") == {land, repeat}
    assert listed(client, q="石桥村") == {water}
    assert listed(client, q=str(water.number)) == {water}
    assert listed(client, q="2026-2") == {water}


def test_filter_state(client_for, clerk, three):
    land, water, repeat = three
    assert listed(client_for(clerk), state=PetitionState.ACCEPTED) == {water}
    assert listed(client_for(clerk), state=PetitionState.REGISTERED) == {land, repeat}


def test_filter_channel(client_for, clerk, three):
    assert listed(client_for(clerk), channel=Channel.PHONE) == {three[1]}


def test_filter_category(client_for, clerk, three):
    assert listed(client_for(clerk), category=Category.SUGGESTION) == {three[1]}


def test_filter_subject(client_for, clerk, three):
    assert listed(client_for(clerk), subject=subject("村务").pk) == {three[1]}


def test_filter_subject_choices_hide_other_townships_subjects(client_for, clerk, other_township):
    foreign = Subject.objects.create(township=other_township, name="外乡分类")
    choices = client_for(clerk).get(LIST).context["filterset"].form.fields["subject"].queryset
    assert foreign not in choices and subject("村务") in choices


def test_filter_received_range(client_for, clerk, three):
    land, water, repeat = three
    assert listed(client_for(clerk), received_after="2026-09-15", received_before="2026-10-15") == {water}
    assert listed(client_for(clerk), received_after="2026-10-15") == {repeat}


def test_filter_repeat_only(client_for, clerk, three):
    assert listed(client_for(clerk), repeat="on") == {three[2]}


def test_filter_overdue(client_for, clerk, three):
    land, water, repeat = three
    # land: received 1 Sep, acceptance due 16 Sep, still pending; repeat: received 1 Nov, due 16 Nov
    # (today is after both in this test run only if the clock says so: compute it)
    today = timezone.localdate()
    expected = {p for p in (land, repeat) if Deadline.objects.get(subject_id=p.pk).due_date < today}
    assert listed(client_for(clerk), overdue="on") == expected
    assert land in expected


def test_filter_township_is_for_county_users_only(client_for, clerk, users, petition, other_petition):
    county = client_for(users[Role.ADMIN])  # county-wide; the county role no longer lists petitions
    assert listed(county, township=petition.township_id) == {petition}
    assert "township" not in client_for(clerk).get(LIST).context["filterset"].form.fields


def test_the_list_marks_repeats_and_shows_next_due(client_for, clerk, three):
    response = client_for(clerk).get(LIST)

    assert response.text.count('data-testid="repeat-badge"') == 1
    rows = {p.pk: p for p in response.context["petitions"]}
    assert rows[three[0].pk].next_due == date(2026, 9, 16)
    assert rows[three[1].pk].next_due is None  # accepted: acceptance met, not yet assigned


# --- detail -------------------------------------------------------------------------------------------


def test_the_detail_page_shows_everything_registered(client_for, clerk, township):
    petition, _code = petition_intake(
        township=township,
        by=clerk,
        channel=Channel.VISIT,
        category=Category.APPEAL,
        subject=subject(),
        title="集体反映安置面积",
        petitioner_name="周德贵",
        organisation="老街住户",
        address="青山镇老街",
        phone="13800000009",
        id_number=valid_id(),
        request="按原面积安置",
        facts="附属用房未计入",
        reasons="居住三十年",
        oral_record="15 人来访，情绪平稳",
        is_group=True,
        headcount=15,
        representatives=["周德贵", "王桂芝"],
        received_on=date(2026, 11, 2),
        files=[png_upload(), pdf_upload()],
    )
    response = client_for(clerk).get(petition.get_absolute_url())

    assert response.status_code == 200
    for text in (
        "集体反映安置面积",
        "周德贵",
        "老街住户",
        "青山镇老街",
        "按原面积安置",
        "附属用房未计入",
        "居住三十年",
        "15 人来访，情绪平稳",
        "来访",
        "申诉求决类",
        "土地征收",
        "周德贵、王桂芝",
        "集体访 15 人",
        "2026-11-02",
        "现场照片.png",
        "材料.pdf",
        "待受理",
        "青信〔2026〕1号",
    ):
        assert text in response.text, text
    assert "138****0009" in response.text and "13800000009" not in response.text
    assert "{% include" not in response.text


def test_the_detail_page_links_the_earlier_case(client_for, clerk, township):
    earlier = register_petition(township=township, by=clerk, received_on=date(2026, 9, 1))
    later = register_petition(township=township, by=clerk)

    page = client_for(clerk).get(later.get_absolute_url())
    assert 'data-testid="repeat-badge"' in page.text and "重复信访" in page.text
    assert f'href="{earlier.get_absolute_url()}"' in page.text
    earlier_page = client_for(clerk).get(earlier.get_absolute_url())
    assert 'data-testid="repeats"' in earlier_page.text and str(later.number) in earlier_page.text


def test_the_repeat_badge_does_not_link_a_case_the_user_cannot_see(client_for, users, township, clerk, unit):
    earlier = register_petition(township=township, by=clerk, received_on=date(2026, 9, 1))
    later = register_petition(township=township, by=clerk)
    petition_accept(petition=later, by=clerk)
    case_assign(item=later, lead_unit=unit, by=clerk)

    page = client_for(users[Role.UNIT_HANDLER]).get(later.get_absolute_url())
    assert 'data-testid="repeat-badge"' in page.text and earlier.get_absolute_url() not in page.text


def test_the_detail_page_shows_the_timeline_with_who_when_what(client_for, clerk, chair, petition):
    petition_decline(petition=petition, by=chair, reason="已进入诉讼程序")

    page = client_for(clerk).get(petition.get_absolute_url())
    timeline = page.text.split('data-testid="timeline"')[1]
    assert timeline.count('data-testid="event"') == 2
    assert "登记" in timeline and clerk.display_name in timeline
    assert "不予受理" in timeline and chair.display_name in timeline and "已进入诉讼程序" in timeline
    assert "待受理 → 不予受理" in timeline
    assert timezone.localdate().strftime("%Y-%m-%d") in timeline


def test_the_detail_page_shows_the_deadlines_with_their_basis(client_for, clerk, township):
    petition = register_petition(township=township, by=clerk, received_on=date(2026, 9, 20))

    page = client_for(clerk).get(petition.get_absolute_url())
    deadlines = page.text.split('data-testid="deadlines"')[1]
    assert "受理告知" in deadlines and "2026-10-08" in deadlines
    assert "自 2026-09-20 起 15 日（自然日）" in deadlines
    assert "期满日 2026-10-05 为休息日，顺延至 2026-10-08" in deadlines


def test_the_detail_page_includes_the_handling_partials(client_for, clerk, petition):
    from django.template.loader import get_template

    source = get_template("petitions/office/petition_detail.html").template.source
    assert '{% include "petitions/handling/_actions.html" %}' in source
    assert '{% include "petitions/handling/_panels.html" %}' in source
    assert client_for(clerk).get(petition.get_absolute_url()).status_code == 200


def test_decision_and_notice_buttons_follow_the_state(client_for, clerk, users, petition):
    page = client_for(clerk).get(petition.get_absolute_url())
    assert 'data-testid="decide"' in page.text and 'data-testid="notice-pdf"' not in page.text
    assert 'data-testid="decide"' not in client_for(users[Role.AUDITOR]).get(petition.get_absolute_url()).text

    petition_accept(petition=petition, by=clerk)
    page = client_for(clerk).get(petition.get_absolute_url())
    assert 'data-testid="decide"' not in page.text and 'data-testid="notice-pdf"' in page.text
    assert "受理告知书" in page.text


# --- attachments ----------------------------------------------------------------------------------


def test_an_attachment_is_downloaded_through_the_access_check(client_for, clerk, users, attachment, other_clerk):
    url = reverse("petitions:attachment_download", args=[attachment.pk])

    response = client_for(clerk).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(other_clerk).get(url).status_code == 404
    assert client_for(users[Role.UNIT_HANDLER]).get(url).status_code == 404  # not assigned to their unit


# --- subjects -------------------------------------------------------------------------------------------

SUBJECTS = reverse("petitions:subject_list")
SUBJECT_CREATE = reverse("petitions:subject_create")


def test_a_clerk_adds_a_subject_for_the_township(client_for, clerk, township, other_clerk):
    response = client_for(clerk).post(SUBJECT_CREATE, {"name": "  水库移民  "})

    assert response.status_code == 302
    added = Subject.objects.get(name="水库移民")
    assert added.township == township
    assert "水库移民" in client_for(clerk).get(SUBJECTS).text
    assert "水库移民" not in client_for(other_clerk).get(SUBJECTS).text
    assert (
        added in client_for(clerk).get(reverse("petitions:petition_create")).context["form"].fields["subject"].queryset
    )


def test_a_duplicate_subject_is_refused(client_for, clerk):
    response = client_for(clerk).post(SUBJECT_CREATE, {"name": "土地征收"})

    assert response.status_code == 200 and "已有同名的事项分类“土地征收”。" in response.text
    assert Subject.objects.filter(name="土地征收").count() == 1


def test_an_administrator_adds_a_shared_subject(client_for, users, other_township):
    admin = users[Role.ADMIN]
    client_for(admin).post(SUBJECT_CREATE, {"name": "水利设施"})
    client_for(admin).post(SUBJECT_CREATE, {"name": "山林权属", "township": other_township.pk})

    assert Subject.objects.get(name="水利设施").township is None
    assert Subject.objects.get(name="山林权属").township == other_township


# --- demo data ------------------------------------------------------------------------------------------


def test_the_demo_seeder_is_idempotent_and_reaches_every_state(client, township, users, clerk, chair):
    import io as _io

    from congress_office.models import Unit
    from petitions import demo

    for spec in demo.QINGSHAN:
        for name in (spec.unit, *spec.co_units):
            if name:
                Unit.objects.get_or_create(township=township, name=name)
    seed_users = {"clerk": clerk, "chair": chair, "unit": users[Role.UNIT_HANDLER]}
    out = _io.StringIO()
    demo.seed(township=township, users=seed_users, today=timezone.localdate(), stdout=out)
    count = Petition.objects.count()
    demo.seed(township=township, users=seed_users, today=timezone.localdate(), stdout=out)

    assert count == len(demo.QINGSHAN) == Petition.objects.count()
    states = set(Petition.objects.values_list("state", flat=True))
    assert states == {
        "registered",
        "accepted",
        "not_accepted",
        "outside_remit",
        "transferred_out",
        "assigned",
        "replied",
        "reviewing",
        "closed",
    }
    assert Petition.objects.filter(repeat_of__isnull=False).count() == 2
    assert demo.DEMO_QUERY_CODE in out.getvalue()
    progress = client.post(
        reverse("petitions:public_query"), {"code": demo.DEMO_QUERY_CODE, "phone": demo.DEMO_QUERY_PHONE}
    )
    assert 'data-testid="rating-form"' in progress.text
    # histories are dated over the last months, not all "now"
    first = Petition.objects.order_by("received_on").first()
    assert first.events.order_by("at").first().at.date() == first.received_on


def test_the_detail_page_query_count_does_not_grow_with_its_rows(client_for, clerk, township):
    """More attachments, full-view log entries, repeats and history rows: the same queries."""
    from petitions.services.personal_data import personal_data_reveal

    def detail_queries(petition):
        count, _response = queries_for(client_for(clerk), petition.get_absolute_url())
        return count

    small = register_petition(township=township, by=clerk, phone="13500000001", id_number="")
    PetitionAttachment.objects.create(petition=small, file=pdf_upload(), name="a.pdf", size=1)
    large = register_petition(township=township, by=clerk, phone="13500000002", id_number="")
    for i in range(4):
        PetitionAttachment.objects.create(petition=large, file=pdf_upload(), name=f"{i}.pdf", size=1)
        personal_data_reveal(petition=large, user=clerk)
        register_petition(township=township, by=clerk, phone="13500000002", id_number="", title=f"再次反映{i}")
        large.title = f"标题{i}"
        large.save()
    personal_data_reveal(petition=small, user=clerk)

    assert detail_queries(small) == detail_queries(large)
