"""Batch operations of the deputies app (congress_office.views.batch): 批量交办 of suggestions
(the unit chosen once, then a confirmation per suggestion, each through suggestion_assign) and
导出全年履职档案 (every deputy's yearly record PDF in one zip job)."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from congress_office.models import CaseEvent, JobKind, Notification, PdfJob, PdfJobStatus
from congress_office.roles import Role
from deputies.suggestions.models import Suggestion, SuggestionState

from .factories import DeputyFactory, DeputyGroupFactory
from .test_suggestions import assign, submit

pytestmark = pytest.mark.django_db

ASSIGN = reverse("deputies:suggestion_batch_assign")
LIST = reverse("deputies:suggestion_list")
ZIP = reverse("deputies:record_zip")
SESSION = "第十九届人大第二次会议期间"


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def session_suggestions(deputy_user, deputy, term, clerk, unit):
    """Three suggestions of the session (two waiting to be assigned, one already assigned) and
    one submitted between sessions."""
    first = submit(deputy_user, term, title="关于修缮村道的建议", session=SESSION)
    second = submit(deputy_user, term, title="关于增设路灯的建议", session=SESSION)
    done = submit(deputy_user, term, title="关于整治河道的建议", session=SESSION)
    assign(done, clerk, unit)
    between = submit(deputy_user, term, title="闭会期间的建议", session="闭会期间")
    return {"first": first, "second": second, "done": done, "between": between}


@pytest.fixture
def co_unit(township):
    from tests.factories import UnitFactory

    return UnitFactory(township=township, name="财政所")


# --- 批量交办 -----------------------------------------------------------------------------------


def test_the_list_filters_by_session_and_offers_the_batch(client_for, clerk, session_suggestions):
    page = client_for(clerk).get(LIST, {"session": "第二次会议"})
    titles = {s.title for s in page.context["suggestions"]}
    assert titles == {"关于修缮村道的建议", "关于增设路灯的建议", "关于整治河道的建议"}
    html = page.content.decode()
    assert 'data-testid="batch-assign"' in html and 'form="suggestion-batch"' in html and "js/batch.js" in html


def test_the_deputy_sees_no_batch_on_the_list(client_for, deputy_user, session_suggestions):
    html = client_for(deputy_user).get(LIST).content.decode()
    assert 'form="suggestion-batch"' not in html


def test_the_unit_is_chosen_first_then_each_suggestion_is_confirmed(client_for, clerk, session_suggestions, unit):
    client = client_for(clerk)
    ids = [session_suggestions[k].pk for k in ("first", "second", "done")]

    options = client.post(ASSIGN, {"ids": ids})
    assert options.status_code == 200 and options.context["stage"] == "options"
    assert "lead_unit" in options.context["form"].fields

    confirm = client.post(ASSIGN, {"ids": ids, "stage": "options", "lead_unit": unit.pk})
    assert confirm.context["stage"] == "confirm"
    items = {item.key: item for item in confirm.context["items"]}
    assert items[str(ids[0])].action == "交办给 自然资源所" and not items[str(ids[0])].skip
    assert items[str(ids[2])].skip  # already assigned: the engine's own refusal, shown before confirming
    assert confirm.context["to_do"] == 2 and confirm.context["to_skip"] == 1
    assert Suggestion.objects.filter(state=SuggestionState.REGISTERED).count() == 3  # nothing done yet


def test_a_missing_unit_stays_on_the_options_stage(client_for, clerk, session_suggestions):
    response = client_for(clerk).post(ASSIGN, {"ids": [session_suggestions["first"].pk], "stage": "confirm"})
    assert response.context["stage"] == "options" and response.context["form"].errors["lead_unit"]
    assert Suggestion.objects.get(pk=session_suggestions["first"].pk).state == SuggestionState.REGISTERED


def test_confirm_assigns_each_through_the_service(client_for, clerk, session_suggestions, unit, co_unit, deputy_user):
    ids = [session_suggestions[k].pk for k in ("first", "second", "done")]
    response = client_for(clerk).post(
        ASSIGN, {"ids": ids, "stage": "confirm", "lead_unit": unit.pk, "co_units": [co_unit.pk], "note": "请认真办理"}
    )

    assert response.status_code == 200
    assert response.context["done_count"] == 2 and response.context["skipped_count"] == 1
    outcomes = {o.item.key: o for o in response.context["outcomes"]}
    assert outcomes[str(ids[0])].message == "交办给 自然资源所，协办：财政所"
    assert not outcomes[str(ids[2])].done and outcomes[str(ids[2])].message
    for key in ("first", "second"):
        suggestion = Suggestion.objects.get(pk=session_suggestions[key].pk)
        assert suggestion.state == SuggestionState.ASSIGNED
        assert CaseEvent.objects.filter(item_id=suggestion.pk, action="assign", note="请认真办理").exists()
    # the signer is told of each assignment, as from the suggestion's own page
    assert Notification.objects.filter(recipient=deputy_user, title__startswith="您的建议已交办").count() == 3


def test_a_co_unit_equal_to_the_lead_is_refused_by_the_form(client_for, clerk, session_suggestions, unit):
    response = client_for(clerk).post(
        ASSIGN,
        {"ids": [session_suggestions["first"].pk], "stage": "confirm", "lead_unit": unit.pk, "co_units": [unit.pk]},
    )
    assert response.context["stage"] == "options" and "co_units" in response.context["form"].errors


def test_another_townships_suggestion_is_refused(
    client_for, clerk, session_suggestions, other_township, make_user, unit
):
    from .factories import TermFactory

    other_term = TermFactory(township=other_township)
    other_user = make_user(Role.DEPUTY, other_township, username="other_deputy")
    DeputyFactory(term=other_term, name="吴德明", user=other_user)
    foreign = submit(other_user, other_term)
    response = client_for(clerk).post(
        ASSIGN, {"ids": [session_suggestions["first"].pk, foreign.pk], "stage": "confirm", "lead_unit": unit.pk}
    )
    assert response.status_code == 404
    assert Suggestion.objects.filter(state=SuggestionState.ASSIGNED).count() == 1  # the fixture's only


def test_a_unit_of_another_township_is_not_offered(client_for, clerk, session_suggestions, other_unit):
    response = client_for(clerk).post(
        ASSIGN, {"ids": [session_suggestions["first"].pk], "stage": "confirm", "lead_unit": other_unit.pk}
    )
    assert response.context["stage"] == "options" and "lead_unit" in response.context["form"].errors


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_HANDLER, Role.AUDITOR, Role.COUNTY])
def test_other_roles_may_not_assign(client_for, users, session_suggestions, unit, role):
    response = client_for(users[role]).post(
        ASSIGN, {"ids": [session_suggestions["first"].pk], "stage": "confirm", "lead_unit": unit.pk}
    )
    assert response.status_code == 403


def test_the_confirmation_keeps_its_query_count(client_for, clerk, deputy_user, deputy, term, unit):
    client = client_for(clerk)

    def count(n):
        ids = [submit(deputy_user, term, title=f"建议{n}-{k}").pk for k in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(ASSIGN, {"ids": ids, "stage": "options", "lead_unit": unit.pk})
        assert len(response.context["items"]) == n
        return len(ctx)

    count(1)
    assert count(2) == count(5)


# --- 导出全年履职档案 ---------------------------------------------------------------------------


@pytest.fixture
def two_deputies(term, deputy):
    """张桂兰 (the `deputy` fixture) and 李秀梅, both of the 19th term (from Jan 2026)."""
    second = DeputyFactory(term=term, name="李秀梅", group=DeputyGroupFactory(term=term, name="石桥片代表小组"))
    return [deputy, second]


def test_the_record_home_offers_the_export(client_for, clerk, two_deputies):
    html = client_for(clerk).get(reverse("deputies:record_home"), {"year": 2026}).content.decode()
    assert 'data-testid="record-zip"' in html


def test_the_confirmation_lists_every_deputys_file(client_for, users, two_deputies, other_deputy):
    response = client_for(users[Role.AUDITOR]).post(ZIP, {"year": 2026, "all": "1"})

    assert response.status_code == 200 and response.context["stage"] == "confirm"
    actions = [item.action for item in response.context["items"]]
    assert sorted(actions) == ["生成 2026-张桂兰-履职档案.pdf", "生成 2026-李秀梅-履职档案.pdf"]  # not 吴德明 of 白水乡
    html = response.content.decode()
    assert 'name="year" value="2026"' in html and 'name="all" value="1"' in html


def test_confirm_starts_one_zip_job_whose_pdfs_name_their_deputy(
    client_for, clerk, two_deputies, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(ZIP, {"year": 2026, "all": "1", "stage": "confirm"})

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.kind == JobKind.ZIP and job.status == PdfJobStatus.DONE, job.message
    assert job.title == "2026年度代表履职档案（2份）"
    assert job.download_name == "青山镇-2026年度代表履职档案.zip"
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = archive.namelist()
        assert sorted(names) == ["2026-张桂兰-履职档案.pdf", "2026-李秀梅-履职档案.pdf"]
        for name in names:
            text = pdf_text(archive.read(name))
            deputy = name.split("-")[1]
            other = ({"张桂兰", "李秀梅"} - {deputy}).pop()
            assert deputy in text and other not in text
            assert "2026" in text


def test_ticked_deputies_only(client_for, clerk, two_deputies):
    response = client_for(clerk).post(ZIP, {"year": 2026, "ids": [two_deputies[1].pk]})
    assert [item.label for item in response.context["items"]] == ["李秀梅"]


def test_a_deputy_of_another_township_is_refused(client_for, clerk, two_deputies, other_deputy):
    response = client_for(clerk).post(
        ZIP, {"year": 2026, "ids": [two_deputies[0].pk, other_deputy.pk], "stage": "confirm"}
    )
    assert response.status_code == 404 and not PdfJob.objects.exists()


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_HANDLER, Role.COUNTY])
def test_other_roles_may_not_export_the_year(client_for, users, two_deputies, role):
    response = client_for(users[role]).post(ZIP, {"year": 2026, "all": "1", "stage": "confirm"})
    assert response.status_code == 403 and not PdfJob.objects.exists()


def test_a_nonsense_year_is_404(client_for, clerk, two_deputies):
    assert client_for(clerk).post(ZIP, {"year": "abc", "all": "1"}).status_code == 404
