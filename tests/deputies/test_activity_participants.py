"""Co-participants of a duty activity (issue 14 item 3): a deputy names the other deputies of their
township who took part; once the office confirms the entry it counts in each one's own record (the
履职档案 page and PDF, the scores) and appears in their "我参与的" list, never before, never when it
is returned; a co-participant removed before confirmation is not counted; another township's deputy
cannot be named."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from congress_office.models import Notification
from congress_office.roles import Role
from deputies import selectors
from deputies.choices import ActivityStatus, ActivityType
from deputies.models import Activity
from deputies.plugins import record_parts
from deputies.services.activities import activity_confirm, activity_log, activity_return

from .factories import ActivityFactory, DeputyFactory

pytestmark = pytest.mark.django_db

LIST = reverse("deputies:activity_list")
CREATE = reverse("deputies:activity_create")
TITLE = "东风村道路硬化联合走访"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def colleague(term, township, make_user):
    """Another deputy of the township, with an account: the co-participant."""
    account = make_user(Role.DEPUTY, township, username="lijianguo")
    return DeputyFactory(term=term, name="李建国", user=account)


@pytest.fixture
def bystander(term, township, make_user):
    """A third deputy of the township who is not named."""
    account = make_user(Role.DEPUTY, township, username="wangfang")
    return DeputyFactory(term=term, name="王芳", user=account)


def form_data(today, **overrides):
    data = {
        "type": ActivityType.CONTACT_VOTERS,
        "date": today.isoformat(),
        "place": "东风村委会",
        "title": TITLE,
        "summary": "与李建国代表一同走访东风村选民 12 户。",
        "outcome": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def joint(deputy_user, deputy, colleague, township, today):
    """张桂兰's entry naming 李建国, waiting for the office."""
    return activity_log(
        by=deputy_user,
        township=township,
        type=ActivityType.CONTACT_VOTERS,
        date=today,
        place="东风村委会",
        title=TITLE,
        summary="联合走访。",
        participants=[colleague],
    )


def record_titles(deputy, year):
    return [a.title for a in selectors.deputy_year_record(deputy=deputy, year=year).activities]


def joined_titles(client, user):
    client.force_login(user)
    response = client.get(LIST, {"mine": "joined"})
    assert response.status_code == 200
    return [a.title for a in response.context["activities"]]


def pdf_text(deputy, user, year):
    (part,) = record_parts(deputy, user, year=year)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(part.render())).pages))


# --- the form ---------------------------------------------------------------------------------------


def test_a_deputy_names_a_colleague_on_the_form_and_both_take_part(client, deputy_user, deputy, colleague, today):
    client.force_login(deputy_user)

    response = client.post(CREATE, form_data(today, co_participants=[colleague.pk]))

    activity = Activity.objects.get(title=TITLE)
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    assert activity.status == ActivityStatus.SUBMITTED
    assert set(activity.participants.all()) == {deputy, colleague}


def test_the_deputys_form_offers_the_search_as_you_type_co_participant_field(client, deputy_user, deputy):
    client.force_login(deputy_user)

    html = client.get(CREATE).content.decode()

    assert 'data-testid="co-participants"' in html
    assert f'data-lookup-multiple="{reverse("core:lookup", args=["co_deputy"])}"' in html
    assert "js/lookup-multi.js" in html


def test_the_clerks_form_chooses_participants_instead(client, clerk, deputy):
    client.force_login(clerk)

    html = client.get(CREATE).content.decode()

    assert 'data-testid="participants"' in html and "co-participants" not in html


def test_another_townships_deputy_cannot_be_named(client, deputy_user, deputy, other_deputy, today):
    client.force_login(deputy_user)

    response = client.post(CREATE, form_data(today, co_participants=[other_deputy.pk]))

    assert response.status_code == 200
    assert "只能选择本乡镇在任的代表。" in response.context["form"].errors["co_participants"]
    assert not Activity.objects.filter(title=TITLE).exists()


def test_the_lookup_offers_the_townships_serving_deputies_only(client, deputy_user, deputy, colleague, other_deputy):
    gone = DeputyFactory(
        term=colleague.term,
        name="李建设",
        status="terminated",
        status_reason="迁出",
        status_date=colleague.term.start_date,
    )
    client.force_login(deputy_user)

    rows = client.get(reverse("core:lookup", args=["co_deputy"]), {"q": "李"}).json()

    assert [row["text"] for row in rows] == ["李建国"]
    assert gone.pk not in [row["id"] for row in rows]
    assert client.get(reverse("core:lookup", args=["co_deputy"]), {"q": "吴"}).json() == []  # 吴德明: 白水乡


def test_the_lookup_is_refused_to_a_role_that_logs_no_activity(client, users):
    client.force_login(users[Role.AUDITOR])

    assert client.get(reverse("core:lookup", args=["co_deputy"]), {"q": "李"}).status_code == 404


# --- counting: only once confirmed ---------------------------------------------------------------------


def test_before_confirmation_the_colleague_neither_sees_nor_counts_it(client, joint, colleague, today):
    assert TITLE not in record_titles(colleague, today.year)
    assert TITLE not in joined_titles(client, colleague.user)
    assert client.get(joint.get_absolute_url()).status_code == 404


def test_once_confirmed_it_counts_in_the_colleagues_record_list_and_scores(
    client, joint, clerk, deputy, colleague, bystander, township, today
):
    activity_confirm(activity=joint, by=clerk)

    assert TITLE in record_titles(colleague, today.year)
    assert TITLE in record_titles(deputy, today.year)
    assert TITLE not in record_titles(bystander, today.year)
    assert joined_titles(client, colleague.user) == [TITLE]
    assert client.get(joint.get_absolute_url()).status_code == 200
    assert TITLE not in [a.title for a in client.get(LIST, {"mine": "logged"}).context["activities"]]
    rows, _scoring = selectors.deputy_scores(township=township, year=today.year)
    scores = {d.pk: score for d, score in rows}
    assert scores[colleague.pk] > 0 and scores[bystander.pk] == 0
    assert Notification.objects.filter(recipient=colleague.user, title__contains=TITLE).exists()


def test_once_confirmed_it_is_in_the_colleagues_record_page_and_pdf(client, joint, clerk, colleague, today):
    activity_confirm(activity=joint, by=clerk)
    client.force_login(colleague.user)

    page = client.get(reverse("deputies:record_detail", args=[colleague.pk, today.year]))

    assert page.status_code == 200 and TITLE in page.content.decode()
    assert TITLE in pdf_text(colleague, clerk, today.year)


def test_the_pdf_of_an_unconfirmed_joint_activity_leaves_it_out(joint, clerk, colleague, today):
    assert TITLE not in pdf_text(colleague, clerk, today.year)


def test_a_returned_activity_does_not_count_for_the_colleague(client, joint, clerk, colleague, today):
    activity_return(activity=joint, by=clerk, reason="请补充走访记录")

    assert TITLE not in record_titles(colleague, today.year)
    assert TITLE not in joined_titles(client, colleague.user)


def test_a_colleague_removed_before_confirmation_is_not_counted(client, joint, deputy_user, deputy, colleague, clerk):
    client.force_login(deputy_user)
    edit = reverse("deputies:activity_resubmit", args=[joint.pk])
    assert f'<option value="{colleague.pk}" selected>' in client.get(edit).content.decode()  # shown as named

    response = client.post(edit, form_data(joint.date, co_participants=[]))

    assert response.status_code == 302
    assert list(joint.participants.all()) == [deputy]
    activity_confirm(activity=joint, by=clerk)
    assert TITLE not in record_titles(colleague, joint.date.year)
    assert TITLE in record_titles(deputy, joint.date.year)


# --- the detail and the list -------------------------------------------------------------------------


def test_the_detail_lists_the_co_participants(client, joint, clerk):
    client.force_login(clerk)

    html = client.get(joint.get_absolute_url()).content.decode()

    names = re.findall(r'data-testid="participant">([^<]+)', html)
    assert sorted(n.strip() for n in names) == sorted(["李建国", "张桂兰"])
    assert "（填报）" in html


def test_the_mine_filter_is_for_deputies_only(client, clerk, joint):
    client.force_login(clerk)

    response = client.get(LIST, {"mine": "joined"})

    assert "mine" not in response.context["filterset"].filters
    assert 'data-testid="mine-tabs"' not in response.content.decode()
    assert [a.title for a in response.context["activities"]] == [TITLE]  # ignored: the township's list


def test_the_joined_list_keeps_its_query_count(client, township, deputy, colleague, today):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"mine": "joined"}).status_code == 200
        return len(captured)

    client.force_login(colleague.user)
    ActivityFactory(township=township, participants=[deputy, colleague], date=today)
    one = queries()
    for _ in range(6):
        ActivityFactory(township=township, participants=[deputy, colleague], date=today)

    assert queries() == one
