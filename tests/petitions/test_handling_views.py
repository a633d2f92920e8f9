# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""The handling pages: one form page per step, reached from the buttons the petition's page
shows for the current state and user. Anonymous → login; a role without the permission →
403; another township's or another unit's petition → 404; a step the state does not allow →
back to the petition with the reason; a service's refusal → on the form; irreversible steps
ask for confirmation."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from congress_office.cases import Satisfaction
from congress_office.models import CaseSupervision, Deadline, DeadlineExtension, ExtensionRequest, PdfJob
from congress_office.roles import Role
from petitions.choices import PetitionState
from petitions.models import CompletionReport, LeaderInstruction, ReturnVisit, Review
from petitions.services.handling import (
    completion_report_file,
    leader_instruct,
    leader_take_ownership,
    petition_approve_extension,
    petition_assign,
    petition_rate,
    petition_request_extension,
    petition_request_review,
    petition_supervise,
    return_visit_record,
)

from .handling_fixtures import (  # noqa: F401 (fixtures)
    REPLIED,
    accepted,
    accepted_petition,
    assigned,
    co_handler,
    co_unit,
    lead_handler,
    replied,
    second_chair,
    third_handler,
    third_unit,
)


def url(name, petition, *args):
    return reverse(f"petitions:{name}", args=[petition.pk, *args])


def page_text(response):
    return response.content.decode()


def render_partial(template, petition, user):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(template, {"petition": petition, "request": request, "user": user}, request=request)


def action_keys(petition, user):
    import re

    return re.findall(r'data-action="([a-z_]+)"', render_partial("petitions/handling/_actions.html", petition, user))


# --- which buttons a user sees ----------------------------------------------------------------


def test_the_buttons_follow_the_state_and_the_user(replied, users, clerk, chair, lead_handler, co_handler, co_unit):
    """Accepted: the office assigns, the chair also instructs and takes ownership. Assigned:
    the lead unit replies (and may ask for an extension), the co-unit gives its opinion, the
    office supervises and asks for an extension. Replied: the office records the rating, a 复查
    request, the report."""
    accepted = accepted_petition(township=replied.township, clerk=clerk, title="另一件")
    assert action_keys(accepted, clerk) == ["assign"]
    assert action_keys(accepted, chair) == ["assign", "instruct", "take_ownership"]
    assert action_keys(accepted, users[Role.DEPUTY]) == []
    assert action_keys(accepted, users[Role.AUDITOR]) == []

    other = accepted_petition(township=replied.township, clerk=clerk, title="办理中的另一件")
    petition_assign(petition=other, lead_unit=replied.lead_unit, co_units=[co_unit], by=clerk)
    other.refresh_from_db()
    assert action_keys(other, lead_handler) == ["reply", "request_extension"]
    assert action_keys(other, co_handler) == ["co_input"]
    assert action_keys(other, clerk) == ["co_input", "reply", "supervise", "request_extension"]
    assert action_keys(other, chair) == ["supervise", "request_extension", "instruct", "take_ownership"]

    assert action_keys(replied, clerk) == ["rate", "request_review", "completion_report"]
    assert action_keys(replied, lead_handler) == ["completion_report"]
    assert action_keys(replied, co_handler) == []


def test_after_closure_the_office_visits_and_after_a_review_decision_a_recheck_is_offered(replied, clerk, chair):
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.SATISFIED)
    replied.refresh_from_db()
    assert action_keys(replied, clerk) == ["request_review", "completion_report", "return_visit"]

    petition_request_review(petition=replied, kind="review", requested_on=date(2026, 9, 1), request="不服", by=clerk)
    replied.refresh_from_db()
    assert action_keys(replied, clerk) == ["decide_review"]
    assert action_keys(replied, chair) == ["decide_review", "instruct", "take_ownership"]


def test_the_buttons_link_to_the_form_pages(accepted, chair):
    html = render_partial("petitions/handling/_actions.html", accepted, chair)
    for name in ("petition_assign", "petition_instruct", "petition_take_ownership"):
        assert f'href="{url(name, accepted)}"' in html


# --- the panels ---------------------------------------------------------------------------


def test_the_panels_show_every_handling_record_with_pdf_buttons(
    replied, clerk, chair, lead_handler, django_assert_max_num_queries
):
    petition = replied
    leader_instruct(petition=petition, by=chair, content="请妥善处理。")
    leader_take_ownership(petition=petition, by=chair)
    petition_rate(petition=petition, by=clerk, satisfaction=Satisfaction.SATISFIED)
    completion_report_file(petition=petition, by=lead_handler, content="补偿款已足额发放。")
    return_visit_record(
        petition=petition, by=clerk, visited_on=date(2026, 9, 1), satisfaction="satisfied", note="信访人表示满意。"
    )
    petition.refresh_from_db()

    with django_assert_max_num_queries(14):
        html = render_partial("petitions/handling/_panels.html", petition, clerk)

    for text in (
        "交办与办理期限",
        "自然资源所",
        "城建办",
        "主办",
        "协办",
        "2026-10-08",
        "自 2026-08-04 起 60 日（自然日）",
        "请妥善处理。",
        "包案",
        "第 1 轮答复",
        "支持",
        "满意",
        "补偿款已足额发放。",
        "信访人表示满意。",
        "电话",
    ):
        assert text in html, text
    for report in ("petitions.handling_opinion", "petitions.completion_report"):
        assert f'data-testid="pdf-{report}"' in html
    assert 'data-testid="panel-supervisions"' not in html  # nothing to show


def test_supervisions_reviews_and_extensions_appear_in_the_panels(assigned, clerk, chair):
    petition_request_extension(petition=assigned, days=10, reason="需现场勘验", by=clerk)
    petition_approve_extension(petition=assigned, by=chair, note="同意")
    supervision, _job = petition_supervise(petition=assigned, by=chair, content="请按期办结。")

    html = render_partial("petitions/handling/_panels.html", assigned, clerk)

    assert "2026-10-08 → 2026-10-19" in html and "需现场勘验" in html
    assert 'data-testid="pdf-petitions.extension_notice"' in html
    assert str(supervision.number) in html and f'value="{supervision.pk}"' in html


def test_the_panels_are_empty_for_a_fresh_petition(accepted, clerk):
    html = render_partial("petitions/handling/_panels.html", accepted, clerk)
    assert "已受理，尚未交办。" in html and "panel-replies" not in html


# --- access to the pages ------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, accepted):
    response = client.get(url("petition_assign", accepted))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("petition_assign", {Role.CLERK, Role.CHAIR}),
        ("petition_instruct", {Role.CHAIR}),
        ("petition_take_ownership", {Role.CHAIR}),
    ],
)
def test_each_role_reaches_only_its_pages(client, accepted, users, name, allowed):
    """On an accepted petition: 403 for roles without the permission, 200 for the others."""
    for role, user in users.items():
        client.force_login(user)
        response = client.get(url(name, accepted))
        if role in allowed:
            assert response.status_code == 200, (role, name)
        elif role == Role.UNIT_HANDLER:
            assert response.status_code in (403, 404), (role, name)  # not assigned to the unit: not visible
        else:
            assert response.status_code == 403, (role, name)


def test_another_townships_clerk_gets_404(client, accepted, other_clerk):
    client.force_login(other_clerk)
    assert client.get(url("petition_assign", accepted)).status_code == 404


def test_another_units_handler_gets_404(client, assigned, third_handler):
    client.force_login(third_handler)
    assert client.get(url("petition_reply", assigned)).status_code == 404


def test_an_unknown_review_kind_is_404(client, replied, clerk):
    client.force_login(clerk)
    assert client.get(url("petition_review_request", replied, "appeal")).status_code == 404


def test_a_step_the_state_does_not_allow_returns_to_the_petition_with_the_reason(client, accepted, clerk):
    client.force_login(clerk)

    response = client.get(url("petition_reply", accepted), follow=True)

    assert response.redirect_chain[0] == (accepted.get_absolute_url(), 302)
    assert "该事项当前为“已受理待交办”，不能“答复”。" in page_text(response)


# --- the steps through their pages -------------------------------------------------------------


def test_a_clerk_assigns_through_the_form(client, accepted, clerk, unit, co_unit):
    client.force_login(clerk)
    page = client.get(url("petition_assign", accepted))
    assert "自受理之日起 60 日，至 2026-10-08（遇节假日顺延）" in page_text(page)

    response = client.post(
        url("petition_assign", accepted),
        {"mode": "assign", "lead_unit": unit.pk, "co_units": [co_unit.pk], "note": "请依法处理"},
    )

    assert response.status_code == 302 and response.url == accepted.get_absolute_url()
    accepted.refresh_from_db()
    assert accepted.state == PetitionState.ASSIGNED and accepted.lead_unit == unit


def test_the_lead_unit_cannot_also_be_a_co_unit(client, accepted, clerk, unit):
    client.force_login(clerk)
    response = client.post(
        url("petition_assign", accepted), {"mode": "assign", "lead_unit": unit.pk, "co_units": [unit.pk]}
    )
    assert response.status_code == 200 and "主办单位不必再列为协办单位" in page_text(response)


def test_the_reply_asks_for_confirmation_and_records_the_outcome(client, assigned, lead_handler):
    client.force_login(lead_handler)
    data = {"outcome": "explain", "content": "已向信访人解释政策依据。", "on": "2026-09-30"}

    unconfirmed = client.post(url("petition_reply", assigned), data)
    assert unconfirmed.status_code == 200 and "请勾选确认后再提交" in page_text(unconfirmed)
    assert 'data-confirm="答复后不能修改，确认提交？"' in page_text(unconfirmed)

    # 城建办 (co-handling) has not sent its opinion: replying first is confirmed too (test_reply_extras)
    response = client.post(url("petition_reply", assigned), {**data, "confirm": "on", "before_co_input": "on"})

    assert response.status_code == 302
    assigned.refresh_from_db()
    assert (assigned.state, assigned.outcome) == (PetitionState.REPLIED, "explain")
    assert assigned.replied_on == date(2026, 9, 30)


def test_a_co_units_handler_posting_a_reply_is_refused(client, assigned, co_handler):
    client.force_login(co_handler)
    assert client.get(url("petition_reply", assigned)).status_code == 403
    response = client.post(
        url("petition_reply", assigned), {"outcome": "support", "content": "x", "on": "2026-09-30", "confirm": "on"}
    )
    assert response.status_code == 403
    assigned.refresh_from_db()
    assert assigned.state == PetitionState.ASSIGNED


def test_an_extension_over_30_days_is_refused_on_the_form(client, assigned, clerk):
    client.force_login(clerk)
    page = page_text(client.get(url("petition_extend", assigned)))
    assert "2026-10-08" in page and "最迟可延至" in page and "2026-11-09" in page
    assert 'name="approver"' not in page  # the chair who decides approves as themself
    data = {"days": 31, "reason": "情况复杂"}

    refused = client.post(url("petition_extend", assigned), data)

    assert refused.status_code == 200 and "每次延期不得超过 30 日" in page_text(refused)
    assert "最迟只能延至 2026-11-09" in page_text(refused)
    assert not ExtensionRequest.objects.exists()
    response = client.post(url("petition_extend", assigned), {**data, "days": 30}, follow=True)
    assert response.redirect_chain[-1][0] == assigned.get_absolute_url()
    assert "延期申请已提交，等待主席团负责人审批" in page_text(response)
    request = ExtensionRequest.objects.get()
    assert (request.requested_by, request.new_due_date, request.is_pending) == (clerk, date(2026, 11, 9), True)
    assert not DeadlineExtension.objects.exists()  # nothing moves before a chair decides


def test_the_lead_units_handler_requests_through_the_form(client, assigned, lead_handler, co_handler):
    client.force_login(co_handler)
    assert client.get(url("petition_extend", assigned)).status_code == 403
    client.force_login(lead_handler)
    response = client.post(url("petition_extend", assigned), {"days": 10, "reason": "需委托鉴定"})
    assert response.status_code == 302 and ExtensionRequest.objects.get().requested_by == lead_handler


# --- the extension request on the petition's page and its decision by a chair -------------------


def decide_extension_url(petition):
    return url("petition_extension_decide", petition)


@pytest.fixture
def requested(assigned, lead_handler):
    """The lead unit asked on 4 Aug's petition for 20 more days (8 Oct → 28 Oct)."""
    return petition_request_extension(petition=assigned, days=20, reason="需委托第三方鉴定伤残等级", by=lead_handler)


def test_the_petition_page_shows_the_pending_request_and_offers_the_decision_to_a_chair(
    client, assigned, requested, clerk, chair, lead_handler
):
    client.force_login(chair)
    html = page_text(client.get(assigned.get_absolute_url()))
    start = html.index('data-testid="pending-extension"')
    card = html[start : html.index("</dl>", start)]
    for text in (
        lead_handler.display_name,
        "2026-10-08 → 申请延期至 2026-10-28",
        "需委托第三方鉴定伤残等级",
        "待主席团负责人审批",
    ):
        assert text in card, text
    assert f'href="{decide_extension_url(assigned)}"' in card and "审批延期申请" in card
    assert 'data-action="approve_extension"' in html
    assert 'data-action="request_extension"' not in html  # one request at a time

    client.force_login(clerk)
    html = page_text(client.get(assigned.get_absolute_url()))
    assert 'data-testid="pending-extension"' in html and lead_handler.display_name in html
    assert "审批延期申请" not in html and decide_extension_url(assigned) not in html


def test_the_decide_page_shows_the_request(client, assigned, requested, chair, lead_handler):
    client.force_login(chair)
    html = page_text(client.get(decide_extension_url(assigned)))
    info = html[html.index('data-testid="action-info"') :]
    for text in (lead_handler.display_name, "2026-10-08", "2026-10-28", "需委托第三方鉴定伤残等级"):
        assert text in info, text
    assert 'value="approve"' in html and 'value="refuse"' in html


def test_a_chair_approves_and_the_notice_still_prints(
    client, assigned, requested, chair, lead_handler, django_capture_on_commit_callbacks
):
    client.force_login(chair)
    response = client.post(decide_extension_url(assigned), {"decision": "approve", "note": "同意"}, follow=True)

    assert "已批准延期" in page_text(response) and "延期办理告知书" in page_text(response)
    extension = DeadlineExtension.objects.get()
    assert (extension.new_due_date, extension.approver, extension.requested_by) == (
        date(2026, 10, 28),
        chair,
        lead_handler,
    )
    requested.refresh_from_db()
    assert requested.state == "approved" and requested.decided_by == chair
    html = page_text(client.get(assigned.get_absolute_url()))
    assert 'data-testid="pending-extension"' not in html and "2026-10-08 → 2026-10-28" in html

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("core:pdfjob_start", args=["petitions.extension_notice"]), {"petition_id": assigned.pk}
        )
    job = PdfJob.objects.get(owner=chair, report="petitions.extension_notice")
    assert started.status_code == 302 and job.status == "done", job.message
    assert job.file.read(5) == b"%PDF-"


def test_a_refusal_needs_a_reason_and_changes_no_clock(client, assigned, requested, chair):
    client.force_login(chair)
    missing = client.post(decide_extension_url(assigned), {"decision": "refuse", "note": " "})
    assert missing.status_code == 200 and "请填写不予批准的理由。" in page_text(missing)
    requested.refresh_from_db()
    assert requested.is_pending

    response = client.post(decide_extension_url(assigned), {"decision": "refuse", "note": "事实清楚，请按期办结"})

    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.state == "refused" and not DeadlineExtension.objects.exists()
    handling = Deadline.objects.get(subject_id=assigned.pk, kind="petitions.petition.handling")
    assert handling.due_date == date(2026, 10, 8)
    html = page_text(client.get(assigned.get_absolute_url()))
    assert 'data-testid="refused-extensions"' in html and "事实清楚，请按期办结" in html
    assert 'data-testid="pending-extension"' not in html


@pytest.mark.parametrize("role", [Role.CLERK, Role.UNIT_HANDLER, Role.DEPUTY, Role.AUDITOR])
def test_only_a_chair_reaches_the_decide_page(client, assigned, requested, users, role):
    client.force_login(users[role])
    assert client.get(decide_extension_url(assigned)).status_code == 403
    assert client.post(decide_extension_url(assigned), {"decision": "approve"}).status_code == 403
    requested.refresh_from_db()
    assert requested.is_pending and not DeadlineExtension.objects.exists()


def test_another_townships_chair_gets_404(client, assigned, requested, other_chair):
    client.force_login(other_chair)
    assert client.get(decide_extension_url(assigned)).status_code == 404
    assert client.post(decide_extension_url(assigned), {"decision": "approve"}).status_code == 404
    requested.refresh_from_db()
    assert requested.is_pending


def test_without_a_pending_request_the_decide_page_returns_with_the_reason(client, assigned, chair):
    client.force_login(chair)
    response = client.get(decide_extension_url(assigned), follow=True)
    assert response.redirect_chain[0] == (assigned.get_absolute_url(), 302)
    assert "没有待审批的延期申请。" in page_text(response)
    posted = client.post(decide_extension_url(assigned), {"decision": "approve"})
    assert posted.status_code == 200 and "没有待审批的延期申请。" in page_text(posted)
    assert not DeadlineExtension.objects.exists()


def test_a_second_request_while_one_waits_is_refused_on_the_form(client, assigned, requested, clerk):
    client.force_login(clerk)
    response = client.get(url("petition_extend", assigned), follow=True)
    assert "正在等待审批" in page_text(response)
    posted = client.post(url("petition_extend", assigned), {"days": 5, "reason": "仍需调查"})
    assert posted.status_code == 200 and "正在等待审批" in page_text(posted)
    assert ExtensionRequest.objects.count() == 1


def test_after_the_reply_the_pending_request_can_no_longer_be_approved(
    client, assigned, requested, chair, lead_handler
):
    from petitions.services.handling import petition_reply

    petition_reply(petition=assigned, by=lead_handler, outcome="support", content="已办理。", on=REPLIED)
    client.force_login(chair)
    response = client.get(decide_extension_url(assigned), follow=True)
    assert "该事项当前为“已答复”，不能“批准延期”。" in page_text(response)
    posted = client.post(decide_extension_url(assigned), {"decision": "approve"})
    assert "不能“批准延期”" in page_text(posted) and not DeadlineExtension.objects.exists()


def test_supervising_leads_to_the_notices_pdf(client, assigned, chair, django_capture_on_commit_callbacks):
    client.force_login(chair)

    unconfirmed = client.post(url("petition_supervise", assigned), {"content": "请于一周内报送进展。"})
    assert unconfirmed.status_code == 200 and "请勾选确认后再提交" in page_text(unconfirmed)
    assert not CaseSupervision.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("petition_supervise", assigned), {"content": "请于一周内报送进展。", "confirm": "on"}
        )

    job = PdfJob.objects.get(owner=chair)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == "done" and job.report == "petitions.supervision_notice"
    assert CaseSupervision.objects.get().content == "请于一周内报送进展。"


def test_rating_unsatisfied_through_the_form_closes_and_names_the_review_right(client, replied, clerk):
    """Replied 10 Aug: the 复查 request is possible until 9 Sep; the clerk is told to say so."""
    client.force_login(clerk)
    page = page_text(client.get(url("petition_rate", replied)))
    assert "事项办结，并告知信访人可以自收到书面答复之日起 30 日内请求复查" in page

    response = client.post(
        url("petition_rate", replied),
        {"satisfaction": "unsatisfied", "comment": "金额不对", "confirm": "on"},
        follow=True,
    )

    text = page_text(response)
    assert "已登记“不满意”，事项已办结。" in text and "30 日内（最迟 2026-09-09）请求复查" in text
    replied.refresh_from_db()
    assert (replied.state, replied.round) == (PetitionState.CLOSED, 1)
    assert 'data-action="request_review"' in text


def test_rating_unsatisfied_through_the_form_reopens_when_the_office_re_handles(client, replied, clerk, settings):
    settings.PETITION_REHANDLE_ON_UNSATISFIED = True
    client.force_login(clerk)
    response = client.post(
        url("petition_rate", replied),
        {"satisfaction": "unsatisfied", "comment": "金额不对", "confirm": "on"},
        follow=True,
    )
    assert "已重新交主办单位办理（第 2 轮）" in page_text(response)
    replied.refresh_from_db()
    assert (replied.state, replied.round) == (PetitionState.REOPENED, 2)


def test_a_late_review_request_is_refused_on_the_form(client, replied, clerk):
    client.force_login(clerk)
    page = client.get(url("petition_review_request", replied, "review"))
    assert "至 2026-09-09" in page_text(page)

    response = client.post(
        url("petition_review_request", replied, "review"), {"requested_on": "2026-09-10", "request": "不服处理意见"}
    )

    assert response.status_code == 200 and "已超过期限" in page_text(response)
    assert not Review.objects.exists()
    ok = client.post(
        url("petition_review_request", replied, "review"), {"requested_on": "2026-09-09", "request": "不服"}
    )
    assert ok.status_code == 302 and Review.objects.get().requested_on == date(2026, 9, 9)


def test_the_review_is_decided_through_the_form(client, replied, clerk, chair):
    petition_request_review(petition=replied, kind="review", requested_on=date(2026, 9, 1), request="不服", by=clerk)
    client.force_login(chair)

    response = client.post(
        url("petition_review_decide", replied, "review"),
        {"outcome": "reject", "decision": "维持原处理意见。", "decided_on": "2026-09-20", "confirm": "on"},
    )

    assert response.status_code == 302
    assert Review.objects.get().decided_on == date(2026, 9, 20)


def test_a_chair_instructs_and_takes_ownership_through_the_forms(client, assigned, chair, second_chair):
    client.force_login(chair)
    assert client.post(url("petition_instruct", assigned), {"content": "请按期办结。"}).status_code == 302
    assert LeaderInstruction.objects.get().content == "请按期办结。"

    unconfirmed = client.post(url("petition_take_ownership", assigned), {})
    assert unconfirmed.status_code == 200 and "请勾选确认后再提交" in page_text(unconfirmed)
    assert client.post(url("petition_take_ownership", assigned), {"confirm": "on"}).status_code == 302

    client.force_login(second_chair)
    response = client.get(url("petition_take_ownership", assigned), follow=True)
    assert "该事项已由" in page_text(response)


def test_the_completion_report_and_the_return_visit_through_the_forms(client, replied, clerk, lead_handler):
    client.force_login(lead_handler)
    response = client.post(url("petition_completion_report", replied), {"content": "已办结。", "confirm": "on"})
    assert response.status_code == 302 and CompletionReport.objects.get().filed_by == lead_handler

    client.force_login(clerk)
    assert client.get(url("petition_return_visit", replied), follow=True).redirect_chain  # not closed yet
    petition_rate(petition=replied, by=clerk, satisfaction=Satisfaction.SATISFIED)
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(
        url("petition_return_visit", replied), {"visited_on": future, "method": "电话", "satisfaction": "satisfied"}
    )
    assert "回访日期不能晚于今天" in page_text(refused)
    ok = client.post(
        url("petition_return_visit", replied),
        {"visited_on": "2026-09-01", "method": "上门", "satisfaction": "basically", "note": "已落实"},
    )
    assert ok.status_code == 302 and ReturnVisit.objects.get().method == "上门"


def test_the_co_unit_gives_its_opinion_through_the_form(client, assigned, co_handler):
    client.force_login(co_handler)
    page = client.get(url("petition_co_input", assigned))
    assert 'name="unit"' not in page_text(page)  # their own unit

    response = client.post(url("petition_co_input", assigned), {"note": "同意主办单位意见。"})

    assert response.status_code == 302


# --- the petition's page ------------------------------------------------------------------


def test_the_petition_page_includes_the_handling_buttons_and_panels(client, assigned, clerk):
    client.force_login(clerk)
    html = page_text(client.get(assigned.get_absolute_url()))
    assert 'data-testid="handling-actions"' in html and 'data-action="reply"' in html
    assert 'data-testid="panel-assignments"' in html and "城建办" in html
