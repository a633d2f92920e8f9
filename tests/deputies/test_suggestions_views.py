"""The suggestion pages: the list with its filters and who sees what, the phone-first submit
form, the detail page with its timeline and the forms of each step, the steps through the
client with their permissions (403 for the wrong role, 404 for what the user may not see),
the reception visit's "转为代表建议", the dashboard card and the deputy's record."""

# ruff: noqa: F811  (fixtures imported from test_suggestions are named as test arguments)
import os
import shutil
import tempfile
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import Notification
from congress_office.roles import Role
from congress_office.services.cases import pending_extension_request
from deputies.models import ReceptionDay, ReceptionVisit
from deputies.suggestions import services
from deputies.suggestions.models import Suggestion, SuggestionState
from tests.factories import PASSWORD, UnitFactory

from .factories import DeputyFactory
from .test_suggestions import (  # noqa: F401  (fixtures)
    CONTENT,
    TITLE,
    answered_on,
    assign,
    assigned,
    co_handler,
    co_unit,
    consult,
    consulted,
    deputy_b,
    deputy_c,
    lead_handler,
    on,
    other_handler,
    outsider,
    rate,
    replied,
    request_extension,
    submit,
    submitted,
    third_unit,
)

pytestmark = pytest.mark.django_db

LIST = reverse("deputies:suggestion_list")
CREATE = reverse("deputies:suggestion_create")
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


def url(name, suggestion):
    return reverse(f"deputies:suggestion_{name}", args=[suggestion.pk])


# --- the list ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, submitted):
    for target in (LIST, CREATE, url("detail", submitted)):
        response = client.get(target)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("clerk", {"mine", "unit", "other"}),
        ("auditor", {"mine", "unit", "other"}),
        ("county", {"mine", "unit", "other"}),
        ("deputy", {"mine"}),
        ("handler", {"unit"}),
        ("other_township", set()),
    ],
)
def test_the_list_shows_what_each_role_may_see(
    who, expected, client_for, users, deputy_user, deputy, outsider, term, clerk, unit, other_clerk
):
    """A deputy sees the suggestions they signed, a unit handler those assigned to their unit,
    the office all of the township, another township none."""
    titles = {"mine": "张桂兰的建议", "unit": "交办自然资源所的建议", "other": "其他代表的建议"}
    submit(deputy_user, term, title=titles["mine"])
    assign(submit(outsider.user, term, title=titles["unit"]), clerk, unit)
    submit(outsider.user, term, title=titles["other"])
    user = {
        "clerk": clerk,
        "auditor": users[Role.AUDITOR],
        "county": users[Role.COUNTY],
        "deputy": deputy_user,
        "handler": users[Role.UNIT_HANDLER],
        "other_township": other_clerk,
    }[who]

    response = client_for(user).get(LIST)

    assert response.status_code == 200
    shown = {key for key, title in titles.items() if title in response.content.decode()}
    assert shown == expected


@pytest.fixture
def listed(deputy_user, deputy, deputy_b, outsider, term, clerk, unit, co_unit):
    """Four suggestions of different states, units, signers and difficulty."""
    a = submit(deputy_user, term, title="村道修缮", co=[deputy_b])
    assign(a, clerk, unit)
    b = submit(outsider.user, term, title="路灯安装", is_hard=True)
    assign(b, clerk, co_unit)
    c = submit(deputy_user, term, title="冷链仓储")
    d = submit(outsider.user, term, title="公共厕所")
    return {"a": a, "b": b, "c": c, "d": d}


def listed_titles(response):
    return {s.title for s in response.context["suggestions"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "路灯"}, {"路灯安装"}),
        ({"state": "registered"}, {"冷链仓储", "公共厕所"}),
        ({"lead_unit": "unit"}, {"村道修缮"}),
        ({"deputy": "deputy_b"}, {"村道修缮"}),
        ({"is_hard": "on"}, {"路灯安装"}),
        ({"year": "2001"}, set()),
    ],
)
def test_each_filter_narrows_the_list(params, expected, listed, client_for, clerk, unit, deputy_b):
    values = {"unit": unit.pk, "deputy_b": deputy_b.pk}
    query = {key: values.get(value, value) for key, value in params.items()}

    response = client_for(clerk).get(LIST, query)

    assert listed_titles(response) == expected
    if params == {"state": "registered"}:
        assert response.content.decode().count('data-testid="state-badge">待交办<') == 2


def test_the_number_finds_a_suggestion(listed, client_for, clerk):
    response = client_for(clerk).get(LIST, {"q": str(listed["c"].sequence)})

    assert "冷链仓储" in listed_titles(response)


def test_the_list_query_count_does_not_grow_with_rows(
    client_for, clerk, deputy_user, deputy, deputy_b, term, unit, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(clerk)

    def add(n):
        for i in range(n):
            suggestion = submit(deputy_user, term, title=f"建议{i}", co=[deputy_b])
            if i % 2:
                assign(suggestion, clerk, unit)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"q": "建议"}).status_code == 200
        return len(queries)

    add(3)
    few = count()
    add(6)
    many = count()

    assert few == many
    with django_assert_max_num_queries(20):
        client.get(LIST, {"q": "建议", "state": "assigned"})


def test_a_deputy_sees_which_answers_wait_for_their_rating(replied, client_for, deputy_user):
    response = client_for(deputy_user).get(LIST)

    assert 'data-testid="awaiting-my-rating"' in response.content.decode()


# --- the submit form --------------------------------------------------------------------------------


def test_the_deputys_form_is_phone_ready(client_for, deputy_user, deputy, deputy_b, outsider):
    """One column, large inputs, co-signers by name (themself not among them), no lead field."""
    response = client_for(deputy_user).get(CREATE)
    html = response.content.decode()
    form = response.context["form"]

    assert response.status_code == 200
    assert 'name="viewport"' in html and "signer-search" in html
    assert "lead" not in form.fields
    assert set(form.fields["co_signers"].queryset) == {deputy_b, outsider}


def test_a_deputy_submits_through_the_form(client_for, deputy_user, deputy, deputy_b):
    response = client_for(deputy_user).post(
        CREATE,
        {
            "title": TITLE,
            "content": CONTENT,
            "co_signers": [deputy_b.pk],
            "is_hard": "on",
            "session": "闭会期间",
        },
    )

    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == suggestion.get_absolute_url()
    assert (suggestion.is_hard, suggestion.session) == (True, "闭会期间")
    assert [s.deputy for s in suggestion.signers.all()] == [deputy, deputy_b]


def test_errors_keep_what_was_typed(client_for, deputy_user, deputy):
    response = client_for(deputy_user).post(CREATE, {"title": "", "content": "写了一半的内容"})

    assert response.status_code == 200
    assert "写了一半的内容" in response.content.decode() and not Suggestion.objects.exists()


def test_the_office_names_the_lead_signer(client_for, clerk, deputy, deputy_c):
    response = client_for(clerk).post(
        CREATE, {"lead": deputy_c.pk, "title": TITLE, "content": CONTENT, "co_signers": [deputy.pk, deputy_c.pk]}
    )

    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert [(s.deputy, s.is_lead) for s in suggestion.signers.all()] == [(deputy_c, True), (deputy, False)]


def test_an_unlinked_deputy_account_is_told_to_ask_the_office(client_for, township, make_user):
    response = client_for(make_user(Role.DEPUTY, township, username="nolink")).get(CREATE)

    assert 'data-testid="unlinked"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.CHAIR, Role.UNIT_HANDLER, Role.AUDITOR, Role.COUNTY])
def test_roles_that_do_not_submit_get_403(role, client_for, users):
    assert client_for(users[role]).get(CREATE).status_code == 403


# --- the detail page --------------------------------------------------------------------------------


def test_the_detail_shows_the_whole_suggestion(replied, client_for, clerk, deputy_b):
    """Signers and ratings, assignments with their deadlines and basis, the consultation, the
    answer with its category label, supervision notices and the timeline."""
    rate(replied, deputy_b, Satisfaction.BASICALLY)

    response = client_for(clerk).get(url("detail", replied))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<span class="badge text-bg-info" data-testid="state-badge">已答复待评价</span>' in html
    for text in (
        "张桂兰",
        "李秀梅",
        "王建华",
        "领衔",
        "基本满意",
        "自然资源所",
        "财政所",
        "答复期限",
        "3 个月",
        "面商情况",
        "张明（所长）",
        "A类：已经解决或者基本解决",
        "已列入明年修缮计划。",
        "办理过程",
    ):
        assert text in html, text
    actions = [e.action for e in response.context["page"].timeline]
    assert actions == ["submit", "assign", "consult", "reply", "rate"]


def test_the_detail_query_count_is_bounded(replied, client_for, clerk, django_assert_max_num_queries):
    client = client_for(clerk)
    with django_assert_max_num_queries(25):  # 23 today: no query per signer, rating or event
        client.get(url("detail", replied))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("clerk", 200),
        ("chair", 200),
        ("auditor", 200),
        ("county", 200),
        ("signer", 200),
        ("co_signer", 200),
        ("lead_handler", 200),
        ("co_handler", 200),
        ("non_signer", 404),
        ("other_handler", 404),
        ("other_township", 404),
    ],
)
def test_who_may_open_the_detail(
    who,
    status,
    assigned,
    client_for,
    users,
    deputy_user,
    deputy_b,
    outsider,
    lead_handler,
    co_handler,
    other_handler,
    other_clerk,
):
    user = {
        "clerk": users[Role.CLERK],
        "chair": users[Role.CHAIR],
        "auditor": users[Role.AUDITOR],
        "county": users[Role.COUNTY],
        "signer": deputy_user,
        "co_signer": deputy_b.user,
        "lead_handler": lead_handler,
        "co_handler": co_handler,
        "non_signer": outsider.user,
        "other_handler": other_handler,
        "other_township": other_clerk,
    }[who]

    assert client_for(user).get(url("detail", assigned)).status_code == status


def test_a_missing_suggestion_is_404(client_for, clerk):
    assert client_for(clerk).get(reverse("deputies:suggestion_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("who", "stage", "forms"),
    [
        ("clerk", "assigned", {"co_input", "consult", "extend", "supervise"}),
        ("clerk", "consulted", {"co_input", "consult", "reply", "extend", "supervise"}),
        ("clerk", "extension_asked", {"co_input", "consult", "supervise"}),
        ("chair", "assigned", {"extend", "supervise"}),
        ("chair", "extension_asked", {"decide_extension", "supervise"}),
        ("lead_handler", "assigned", {"consult", "extend"}),
        ("lead_handler", "consulted", {"consult", "reply", "extend"}),
        ("lead_handler", "extension_asked", {"consult"}),
        ("co_handler", "assigned", {"co_input"}),
        ("signer", "assigned", set()),
        ("signer", "extension_asked", set()),
        ("auditor", "assigned", set()),
        ("auditor", "extension_asked", set()),
    ],
)
def test_each_role_is_offered_the_forms_it_may_use(
    who, stage, forms, assigned, client_for, users, deputy_user, deputy, lead_handler, co_handler
):
    """The page offers exactly the steps the engine would accept now: the answer only once the
    deputies were consulted, no second extension request while one waits, and the decision on
    it to a chair alone."""
    if stage == "consulted":
        consult(assigned, lead_handler, [deputy])
    if stage == "extension_asked":
        request_extension(assigned, users[Role.CLERK], extra=1)
    user = {
        "clerk": users[Role.CLERK],
        "chair": users[Role.CHAIR],
        "lead_handler": lead_handler,
        "co_handler": co_handler,
        "signer": deputy_user,
        "auditor": users[Role.AUDITOR],
    }[who]

    response = client_for(user).get(url("detail", assigned))

    assert set(response.context["forms"]) == forms


def test_the_page_says_to_consult_before_answering(assigned, client_for, lead_handler, deputy):
    response = client_for(lead_handler).get(url("detail", assigned))

    assert 'data-testid="consult-first"' in response.content.decode() and "reply" not in response.context["forms"]
    consult(assigned, lead_handler, [deputy])
    response = client_for(lead_handler).get(url("detail", assigned))
    assert 'data-testid="consult-first"' not in response.content.decode() and "reply" in response.context["forms"]


def test_the_pages_take_the_statutory_numbers_from_the_settings(
    submitted, client_for, clerk, deputy_user, deputy, lead_handler, unit, settings
):
    """A province with other limits changes the settings, and every text follows; nothing
    says the defaults any more. The model's field carries no such text (it would be frozen
    into a migration)."""
    settings.SUGGESTION_ANSWER_MONTHS = 2
    settings.SUGGESTION_HARD_ANSWER_MONTHS = 5
    settings.SUGGESTION_CO_INPUT_MONTHS = 2
    settings.SUGGESTION_FEEDBACK_WORKING_DAYS = 15
    settings.SUGGESTION_REOPEN_MONTHS = 2

    form_html = client_for(deputy_user).get(CREATE).content.decode()
    assign_html = client_for(clerk).get(url("detail", submitted)).content.decode()
    assign(submitted, clerk, unit)
    extend_html = client_for(clerk).get(url("detail", submitted)).content.decode()
    consult(submitted, lead_handler, [deputy])
    services.suggestion_reply(suggestion=submitted, by=lead_handler, category="A", content="已解决。")
    rate_html = client_for(deputy_user).get(url("detail", submitted)).content.decode()

    assert "勾选后答复期限为 5 个月（一般为 2 个月）。" in form_html
    assert "一般在 2 个月内答复" in form_html and "15 个工作日内评价" in form_html
    assert "协办单位应在 2 个月内向主办单位提出协办意见。" in assign_html
    assert "自交办之日起连同延期最长 5 个月。" in extend_html
    assert "建议自交办之日起最长 5 个月内答复（含延期）" in extend_html
    assert "承办单位将在 2 个月内重新办理并再次答复。" in rate_html
    for html in (form_html, assign_html, extend_html, rate_html):
        for default in ("6 个月", "3 个月", "1 个月", "20 个工作日"):
            assert default not in html, default
    assert Suggestion._meta.get_field("is_hard").help_text == ""


# --- the steps through the client -------------------------------------------------------------------


def test_the_chair_assigns_and_a_deputy_cannot(submitted, client_for, chair, deputy_user, unit, co_unit):
    data = {"lead_unit": unit.pk, "co_units": [co_unit.pk], "note": "请按期办理。"}

    assert client_for(deputy_user).post(url("assign", submitted), data).status_code == 403
    response = client_for(chair).post(url("assign", submitted), data)

    submitted.refresh_from_db()
    assert response.status_code == 302 and submitted.state == SuggestionState.ASSIGNED
    assert submitted.lead_unit == unit


def test_the_lead_unit_consults_then_answers(assigned, client_for, lead_handler, deputy, deputy_b):
    client = client_for(lead_handler)
    refused = client.post(url("reply", assigned), {"category": "B", "content": "正在解决。"}, follow=True)
    assert refused.redirect_chain == [(url("detail", assigned), 302)]
    assert "答复前须先与代表面商，并登记面商情况（时间、方式、参加人员）。" in refused.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == SuggestionState.ASSIGNED

    client.post(
        url("consult", assigned),
        {
            "held_on": timezone.localdate().isoformat(),
            "method": "site",
            "unit_people": "张明（所长）",
            "deputies": [deputy.pk, deputy_b.pk],
            "summary": "现场察看了路段。",
        },
    )
    # 财政所 (co-handling) has not sent its opinion: answering first is confirmed (test_suggestion_reply_extras)
    response = client.post(url("reply", assigned), {"category": "B", "content": "正在解决。", "before_co_input": "on"})

    assigned.refresh_from_db()
    assert response.status_code == 302 and assigned.state == SuggestionState.REPLIED
    assert "B类：正在解决或者列入规划逐步解决" in client.get(url("detail", assigned)).content.decode()


def test_a_co_handler_posting_an_answer_gets_403(consulted, client_for, co_handler):
    response = client_for(co_handler).post(url("reply", consulted), {"category": "A", "content": "已解决。"})

    consulted.refresh_from_db()
    assert response.status_code == 403 and consulted.state == SuggestionState.ASSIGNED


def test_another_unit_or_township_gets_404(consulted, client_for, other_handler, other_clerk):
    for user in (other_handler, other_clerk):
        response = client_for(user).post(url("reply", consulted), {"category": "A", "content": "已解决。"})
        assert response.status_code == 404


def test_a_co_handler_sends_its_opinion(assigned, client_for, co_handler):
    response = client_for(co_handler).post(url("co_input", assigned), {"note": "财政所同意。"})

    assert response.status_code == 302
    assert assigned.assignments.get(role="co").input_note == "财政所同意。"


def test_a_signer_rates_with_the_big_buttons(replied, client_for, deputy_user):
    client = client_for(deputy_user)
    html = client.get(url("detail", replied)).content.decode()
    assert 'data-testid="rate-buttons"' in html and "已列入明年修缮计划。" in html

    response = client.post(url("rate", replied), {"satisfaction": "satisfied", "comment": ""})

    assert response.status_code == 302
    assert replied.ratings.get().rater_label == "张桂兰"


def test_unsatisfied_without_a_reason_keeps_the_form(replied, client_for, deputy_user):
    response = client_for(deputy_user).post(url("rate", replied), {"satisfaction": "unsatisfied", "comment": ""})

    replied.refresh_from_db()
    assert response.status_code == 200 and replied.state == SuggestionState.REPLIED
    assert "请说明不满意的理由" in response.content.decode()


def test_unsatisfied_reopens_through_the_page(replied, client_for, deputy_user):
    client_for(deputy_user).post(url("rate", replied), {"satisfaction": "unsatisfied", "comment": "没有时间表。"})

    replied.refresh_from_db()
    assert (replied.state, replied.round) == (SuggestionState.REOPENED, 2)


def test_rating_by_a_non_signer_is_404_and_by_a_unit_403(replied, client_for, outsider, lead_handler):
    assert client_for(outsider.user).post(url("rate", replied), {"satisfaction": "satisfied"}).status_code == 404
    assert client_for(lead_handler).post(url("rate", replied), {"satisfaction": "satisfied"}).status_code == 403


def test_the_office_records_a_paper_rating_for_a_signer(replied, client_for, clerk, deputy_c):
    response = client_for(clerk).post(url("rate", replied), {"deputy": deputy_c.pk, "satisfaction": "basically"})

    assert response.status_code == 302
    assert replied.ratings.get().rater_label == "王建华"


def test_a_step_in_the_wrong_state_is_explained(replied, client_for, clerk, unit):
    response = client_for(clerk).post(url("assign", replied), {"lead_unit": unit.pk}, follow=True)

    assert "该事项当前为“已答复待评价”，不能“交办”。" in response.content.decode()


def test_an_extension_is_requested_and_approved_through_the_pages(
    assigned, client_for, clerk, chair, deputy_user, deputy_b
):
    """The request form names the current due date and the latest one allowed; once sent, the
    page shows the request waiting, and the chair's page shows who asked, the current due date,
    the date asked for and why, with the decision form; the chair's approval tells the signers."""
    due = assigned.assignments.get(role="lead").deadline.due_date
    office = client_for(clerk)
    html = office.get(url("detail", assigned)).content.decode()
    assert 'data-testid="form-extend"' in html and "申请延期" in html
    limit = html.split('data-testid="extension-limit">')[1].split("</p>")[0]
    assert f"当前答复期限：{due.isoformat()}。" in limit
    assert "建议自交办之日起最长 6 个月内答复（含延期），最迟可延至" in limit

    response = office.post(url("extend", assigned), {"extra": 1, "new_due_date": "", "reason": "需县交通局立项。"})

    assert response.status_code == 302
    request = pending_extension_request(assigned)
    html = office.get(url("detail", assigned)).content.decode()
    assert 'data-testid="extension-pending"' in html and 'data-testid="form-extend"' not in html
    assert 'data-testid="form-decide_extension"' not in html
    response = client_for(chair).get(url("detail", assigned))
    html = response.content.decode()
    assert "审批延期申请" in html and 'data-testid="form-decide_extension"' in html
    assert f'data-testid="extension-requester">{clerk.display_name}<' in html
    assert f'data-testid="extension-current-due">{due.isoformat()}<' in html
    assert f'data-testid="extension-requested-date">{request.new_due_date.isoformat()}<' in html
    assert 'data-testid="extension-reason">需县交通局立项。<' in html

    response = client_for(chair).post(url("decide_extension", assigned), {"decision": "approve", "note": ""})

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.decided_by) == ("approved", chair)
    for person in (clerk, deputy_user, deputy_b.user):
        assert Notification.objects.filter(recipient=person, title__startswith="延期申请已批准").exists()
    html = client_for(chair).get(url("detail", assigned)).content.decode()
    assert 'data-testid="extension-pending"' not in html
    assert f"批准人 {chair.display_name}" in html and request.new_due_date.isoformat() in html


def test_a_refusal_through_the_page_needs_a_reason(assigned, client_for, clerk, chair, lead_handler):
    request = request_extension(assigned, lead_handler, extra=1)
    client = client_for(chair)

    response = client.post(url("decide_extension", assigned), {"decision": "refuse", "note": ""})

    assert response.status_code == 200 and "请填写不予批准的理由。" in response.content.decode()
    assert 'data-testid="extension-requested-date"' in response.content.decode()
    request.refresh_from_db()
    assert request.state == "pending"
    response = client.post(url("decide_extension", assigned), {"decision": "refuse", "note": "请按期答复。"})
    request.refresh_from_db()
    assert response.status_code == 302 and (request.state, request.decision_note) == ("refused", "请按期答复。")
    assert Notification.objects.filter(recipient=lead_handler, title__startswith="延期申请未获批准").exists()
    assert assigned.assignments.get(role="lead").deadline.extensions.count() == 0


def test_extension_steps_refuse_the_wrong_people(
    assigned, client_for, clerk, lead_handler, co_handler, deputy_user, other_clerk, other_township, make_user
):
    """Another township's clerk or chair does not find the suggestion (404); a signer or a
    co-handler may not ask (403); the office and the lead unit may not decide (403). Nothing
    is written."""
    other_chair = make_user(Role.CHAIR, other_township, username="bs_chair")
    ask = {"extra": 1, "reason": "需要协调。"}
    for person in (other_clerk, other_chair):
        assert client_for(person).post(url("extend", assigned), ask).status_code == 404
    for person in (deputy_user, co_handler):
        assert client_for(person).post(url("extend", assigned), ask).status_code == 403
    assert not pending_extension_request(assigned)
    request_extension(assigned, clerk, extra=1)
    decision = {"decision": "approve", "note": ""}
    for person in (other_clerk, other_chair):
        assert client_for(person).post(url("decide_extension", assigned), decision).status_code == 404
    for person in (clerk, lead_handler, deputy_user):
        assert client_for(person).post(url("decide_extension", assigned), decision).status_code == 403
    assert pending_extension_request(assigned).state == "pending"


def test_illegal_extension_steps_are_explained_in_chinese(submitted, client_for, clerk, chair, unit, deputy, on):
    """No request to decide, a second request while one waits, the wrong state, and a date
    past the statutory limit: each refused with its Chinese reason, nothing written."""
    on(date(2026, 12, 1))
    assign(submitted, clerk, unit)
    response = client_for(chair).post(url("decide_extension", submitted), {"decision": "approve"}, follow=True)
    assert "没有待审批的延期申请。" in response.content.decode()

    response = client_for(clerk).post(url("extend", submitted), {"new_due_date": "2035-01-01", "reason": "理由"})
    assert response.status_code == 200
    assert "建议自交办之日起最长 6 个月内答复（含延期），最迟只能延至 2027-06-01。" in response.content.decode()
    assert "2035-01-01" in response.content.decode()  # what was typed stays
    assert pending_extension_request(submitted) is None

    request_extension(submitted, clerk, extra=1)
    response = client_for(clerk).post(url("extend", submitted), {"extra": 1, "reason": "再申请"}, follow=True)
    assert "已有一项延期申请正在等待审批" in response.content.decode()

    consult(submitted, clerk, [deputy])
    services.suggestion_reply(suggestion=submitted, by=clerk, category="A", content="已解决。")
    response = client_for(chair).post(url("decide_extension", submitted), {"decision": "approve"}, follow=True)
    assert "该事项当前为“已答复待评价”，不能“批准延期”。" in response.content.decode()
    response = client_for(clerk).post(url("extend", submitted), {"extra": 1, "reason": "理由"}, follow=True)
    assert "该事项当前为“已答复待评价”，不能“申请延期”。" in response.content.decode()
    assert submitted.assignments.get(role="lead").deadline.extensions.count() == 0


def test_a_supervision_notice_is_issued_and_offered_as_pdf(assigned, client_for, chair):
    client = client_for(chair)
    client.post(url("supervise", assigned), {"content": "请加快办理。", "reply_by": ""})

    html = client.get(url("detail", assigned)).content.decode()
    assert f"青人督〔{timezone.localdate().year}〕1号" in html and 'data-testid="supervision-pdf"' in html


@pytest.mark.parametrize(
    "name", ["assign", "co_input", "consult", "reply", "extend", "decide_extension", "supervise", "rate"]
)
def test_the_auditor_and_the_county_only_read(name, assigned, client_for, users):
    for role in (Role.AUDITOR, Role.COUNTY):
        assert client_for(users[role]).post(url(name, assigned), {}).status_code == 403


# --- the reception visit ----------------------------------------------------------------------------


@pytest.fixture
def visit(township, district, deputy, deputy_b, clerk):
    day = ReceptionDay.objects.create(
        township=township, district=district, date=date(2026, 10, 15), place="东风村代表联络站"
    )
    day.deputies.set([deputy, deputy_b])
    return ReceptionVisit.objects.create(
        reception_day=day, visitor="王大爷", recorded_by=clerk, matter="村口路灯坏了三个月，晚上出行不便。"
    )


def test_the_visit_log_turns_a_visit_into_a_suggestion(visit, client_for, clerk, deputy, deputy_b):
    """The reception day offers “转为代表建议”; the form comes prefilled (the matter, the receiving
    deputies as signers); saving links the visit, which then offers nothing more."""
    client = client_for(clerk)
    day_url = reverse("deputies:reception_detail", args=[visit.reception_day_id])
    assert "转为代表建议" in client.get(day_url).content.decode()

    form = client.get(CREATE, {"visit": visit.pk}).context["form"]
    assert form.initial["lead"] == deputy.pk and form.initial["co_signers"] == [deputy_b.pk]
    assert "村口路灯坏了三个月" in form.initial["content"]
    response = client.post(
        CREATE + f"?visit={visit.pk}",
        {
            "visit": visit.pk,
            "lead": deputy.pk,
            "co_signers": [deputy_b.pk],
            "title": "关于修复东风村路灯的建议",
            "content": form.initial["content"],
        },
    )

    suggestion = Suggestion.objects.get()
    visit.refresh_from_db()
    assert response.status_code == 302
    assert (visit.follow_up_kind, visit.follow_up_id) == ("suggestion", suggestion.pk)
    assert "转为代表建议" not in client.get(day_url).content.decode()
    assert client.get(CREATE, {"visit": visit.pk}).status_code == 404


def test_the_visit_action_is_not_offered_to_another_township(visit, other_clerk):
    from deputies.suggestions.plugins import visit_to_suggestion

    assert visit_to_suggestion(visit, other_clerk) is None


# --- the dashboard and the record -------------------------------------------------------------------


def test_the_home_page_counts_what_waits(submitted, replied, client_for, clerk, deputy_user):
    clerk_home = client_for(clerk).get(reverse("core:home")).context
    clerk_blocks = {entry["key"]: entry["section"].context for entry in clerk_home["sections"]}
    # a deputy's home has no office counters: its 待我评价 block (issue 14)
    deputy_home = client_for(deputy_user).get(reverse("core:home")).context
    deputy_blocks = {entry["key"]: entry["section"].context for entry in deputy_home["sections"]}

    assert clerk_blocks["deputies-suggestions_to_assign"]["count"] == 0  # `submitted` became `replied`
    assert "待交办代表建议" not in [str(c.title) for c in clerk_home["cards"]]  # the block lists them
    assert deputy_home["cards"] == []
    assert deputy_blocks["deputies-awaiting_rating"]["count"] == 1


def test_the_deputys_record_shows_their_suggestions(replied, client_for, deputy_user, deputy):
    year = timezone.localdate().year
    html = client_for(deputy_user).get(reverse("deputies:record_detail", args=[deputy.pk, year])).content.decode()

    assert 'data-testid="section-deputies.suggestions"' in html
    assert TITLE in html and "A类：已经解决或者基本解决" in html


# --- screenshots at phone size ----------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_phone_screenshots_of_the_form_and_the_rate_buttons(live_server, monkeypatch):
    """375×812: the deputy's submit form and the rating buttons under the answer (looked at by
    eye; the test checks the buttons are at least 48 px high and fit the width)."""
    from playwright.sync_api import sync_playwright

    from tests.factories import TownshipFactory, UserFactory

    from .factories import DeputyGroupFactory, TermFactory

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing")
    township = TownshipFactory(code="qingshan", name="青山镇")
    term = TermFactory(township=township)
    group = DeputyGroupFactory(term=term, name="东风片代表小组")
    user = UserFactory(township=township, username="qs_deputy", name="张桂兰", roles=[Role.DEPUTY])
    me = DeputyFactory(term=term, name="张桂兰", user=user, group=group)
    others = [DeputyFactory(term=term, name=name, group=group) for name in ("刘明华", "陈永强", "赵春梅", "黄志刚")]
    clerk = UserFactory(township=township, username="qs_clerk", roles=[Role.CLERK])
    unit = UnitFactory(township=township, name="农业农村办公室")
    suggestion = submit(user, term, co=others[:2])
    assign(suggestion, clerk, unit)
    consult(suggestion, clerk, [me])
    services.suggestion_reply(
        suggestion=suggestion,
        by=clerk,
        category="B",
        content="该路段已列入2027年农村公路修缮计划，计划于明年3月开工，先行修补坑槽并增设警示标志。",
    )
    ARTIFACTS.mkdir(exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    profile = tempfile.mkdtemp(prefix="pw-suggestions-")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 375, "height": 812},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
            )
            page = browser.new_page()
            page.goto(live_server.url + reverse("login"))
            page.fill("input[name=username]", "qs_deputy")
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            page.goto(live_server.url + CREATE)
            page.fill("input[name=title]", "关于东风村蔬菜基地建设冷链仓储设施的建议")
            page.fill("textarea[name=content]", "东风村蔬菜种植面积已达八百亩，采摘后缺少预冷和冷藏设施，损耗率高。")
            page.locator("#signer-box label", has_text="刘明华").click()
            page.screenshot(path=str(ARTIFACTS / "suggestion-form-375.png"))
            page.screenshot(path=str(ARTIFACTS / "suggestion-form-375-full.png"), full_page=True)
            page.goto(live_server.url + suggestion.get_absolute_url())
            buttons = page.get_by_test_id("rate-buttons")
            buttons.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "suggestion-rate-375.png"))
            heights = [b.bounding_box()["height"] for b in buttons.locator("button").all()]
            widths = [b.bounding_box()["x"] + b.bounding_box()["width"] for b in buttons.locator("button").all()]
            browser.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    assert len(heights) == 3 and min(heights) >= 48
    assert max(widths) <= 375


def test_no_rate_buttons_once_the_feedback_window_has_closed(answered_on, client_for, deputy_user, on):
    consulted = answered_on(date(2026, 9, 18))
    on(date(2026, 10, 22))  # the window's last day: still offered
    assert 'data-testid="rate-buttons"' in client_for(deputy_user).get(url("detail", consulted)).content.decode()
    on(date(2026, 10, 23))

    html = client_for(deputy_user).get(url("detail", consulted)).content.decode()

    assert 'data-testid="rate-buttons"' not in html and 'data-testid="feedback-closed"' in html
