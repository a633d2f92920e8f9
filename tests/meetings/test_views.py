"""The meetings pages: access on every URL, the pages a clerk and a deputy use, and fixed
query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress_office.roles import Role
from documents.models import IssuingBody
from meetings import services as svc
from meetings.choices import AttendanceStatus, MeetingKind, MeetingState, MotionKind, MotionSource, VoteMethod
from meetings.models import Meeting, Motion, Vote

from ..deputies.factories import DeputyFactory
from ..factories import UnitFactory, UserFactory
from .conftest import opened, today_at

LIST = reverse("meetings:list")


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def vote(session, clerk, deputies):
    session = opened(session, clerk, deputies)
    return svc.vote_open(meeting=session, by=clerk, title="关于镇财政预算的决议", method=VoteMethod.PHONE)


@pytest.fixture
def motion(session, deputies):
    return svc.motion_create(
        meeting=session,
        by=deputies[0].user,
        kind=MotionKind.ORDINARY,
        source=MotionSource.DEPUTIES,
        title="关于修建东风村便民桥的议案",
        content="东风河上无桥。",
        co_signers=deputies[1:5],
    )


def every_url(meeting, vote=None, motion=None):
    urls = [
        url(n, meeting.pk)
        for n in (
            "detail",
            "code",
            "sign_in",
            "leave",
            "agenda_add",
            "observer_add",
            "minutes",
            "vote_open",
            "motion_create",
        )
    ]
    if vote:
        urls += [url(n, meeting.pk, vote.pk) for n in ("vote_close", "ballot", "resolution")]
    if motion:
        urls += [url("motion_detail", motion.pk)]
    return urls


def test_anonymous_visitors_go_to_the_login_page(client, session):
    for target in [LIST, *every_url(session)]:
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response.url, target


def test_another_townships_clerk_gets_404_on_every_url(client_for, session, vote, motion, other_clerk):
    client = client_for(other_clerk)
    for target in every_url(session, vote, motion):
        assert client.get(target).status_code == 404, target
    for name in ("notify", "sign_in_start", "open", "close", "mark", "depart", "acknowledge"):
        assert client.post(url(name, session.pk)).status_code == 404, name
    assert session.title not in text(client.get(LIST))


def test_a_unit_handler_has_no_meetings(client_for, users, session):
    client = client_for(users[Role.UNIT_HANDLER])
    assert client.get(LIST).status_code == 403
    assert client.get(url("detail", session.pk)).status_code == 403


def test_a_deputy_cannot_run_the_meeting(client_for, session, deputy_user):
    client = client_for(deputy_user)
    for name in ("agenda_add", "observer_add", "minutes", "vote_open", "code"):
        assert client.get(url(name, session.pk)).status_code == 403, name
    for name in ("notify", "sign_in_start", "open", "close", "mark"):
        assert client.post(url(name, session.pk)).status_code == 403, name
    assert Meeting.objects.get(pk=session.pk).state == MeetingState.PLANNED


def test_the_year_page_warns_when_fewer_sessions_are_planned(client_for, clerk, session, township, settings):
    page = text(client_for(clerk).get(LIST))
    assert session.title in page and 'data-testid="too-few"' in page and "已安排人民代表大会会议 1 次" in page
    svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(15))
    assert 'data-testid="too-few"' not in text(client_for(clerk).get(LIST))
    settings.SESSION_MIN_PER_YEAR = 3
    assert "每年举行 3 次" in text(client_for(clerk).get(LIST))


def test_the_year_page_has_an_empty_state(client_for, clerk, deputies):
    page = text(client_for(clerk).get(LIST + "?year=2019"))
    assert 'data-testid="empty"' in page


def count_queries(client, target):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_and_the_page_cost_the_same_queries_whatever_their_size(
    client_for, clerk, township, term, session, deputies
):
    client = client_for(clerk)
    few_list, few_page = count_queries(client, LIST), count_queries(client, url("detail", session.pk))
    for n in range(30):
        DeputyFactory(term=term, name=f"新代表{n}")
    big = svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(16))
    svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.PRESIDIUM, starts_at=today_at(17))
    for n in range(3):
        svc.agenda_add(meeting=big, by=clerk, title=f"议程{n}", needs_vote=True)
    assert big.attendances.count() == 39
    assert count_queries(client, LIST) == few_list
    assert count_queries(client, url("detail", big.pk)) == few_page


def test_a_clerk_runs_a_session_through_the_pages(client_for, clerk, chair, township, deputies):
    client = client_for(clerk)
    response = client.post(
        url("create").removesuffix("new/") + "new/",
        {"kind": MeetingKind.SESSION, "starts_at": today_at(9).strftime("%Y-%m-%dT%H:%M"), "place": "镇政府三楼会议室"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    client.post(
        url("agenda_add", meeting.pk), {"title": "审议镇人民政府工作报告", "presenter": "镇长", "needs_vote": "on"}
    )
    client.post(url("notify", meeting.pk))
    client.post(url("sign_in_start", meeting.pk))
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SIGNING_IN and meeting.sign_in_code
    for deputy in deputies[:5]:
        client.post(url("mark", meeting.pk), {"deputy": deputy.pk, "status": "present"})
    response = client.post(url("open", meeting.pk), follow=True)
    assert "应到 9 人，实到 5 人，法定人数 6 人，不足法定人数，不能宣布开会。" in text(response)
    client.post(url("mark", meeting.pk), {"deputy": deputies[5].pk, "status": "present"})
    response = client.post(url("open", meeting.pk), follow=True)
    assert "已宣布开会：应到 9 人，实到 6 人，法定人数 6 人。" in text(response)
    item = meeting.agenda.get()
    page = client.get(url("vote_open", meeting.pk) + f"?agenda={item.pk}")
    assert "通过所需票数：5 票（全体代表 9 人的过半数）" in text(page)
    client.post(url("vote_open", meeting.pk) + f"?agenda={item.pk}", {"title": item.title, "method": "hands"})
    vote = Vote.objects.get()
    response = client.post(url("vote_close", meeting.pk, vote.pk), {"yes": 4, "no": 1, "abstain": 1}, follow=True)
    page = text(response)
    assert "赞成 4 票，通过所需 5 票（全体代表过半数）" in page and 'data-testid="failed"' in page
    client.post(url("vote_open", meeting.pk), {"title": "关于2027年镇财政预算的决议", "method": "paper"})
    second = Vote.objects.latest("pk")
    client.post(url("vote_close", meeting.pk, second.pk), {"yes": 6, "no": 0, "abstain": 0})
    body = IssuingBody.objects.create(township=township, name="青山镇人民代表大会", code="青人大")
    response = client.post(
        url("resolution", meeting.pk, second.pk), {"issuing_body": body.pk, "doc_type": "resolution"}
    )
    second.refresh_from_db()
    assert response.status_code == 302 and response.url == second.resolution.get_absolute_url()
    client.post(url("minutes", meeting.pk), {"minutes": "会议审议通过了2027年镇财政预算。"})
    response = client.post(url("close", meeting.pk), follow=True)
    assert "已闭会" in text(response)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED and meeting.minutes.startswith("会议审议")
    assert meeting.attendances.filter(status=AttendanceStatus.ABSENT).count() == 3


def test_a_deputy_acknowledges_asks_leave_signs_in_and_votes_on_the_phone(client_for, session, clerk, deputies):
    svc.meeting_notify(meeting=session, by=clerk)
    client = client_for(deputies[8].user)
    client.post(url("acknowledge", session.pk))
    response = client.post(url("leave", session.pk), {"reason": ""})
    assert "请填写" in text(response) or "必填" in text(response) or "This field" in text(response)
    client.post(url("leave", session.pk), {"reason": "外出务工"})
    row = session.attendances.get(deputy=deputies[8])
    assert row.acknowledged_at is not None and row.leave_state == "requested"

    svc.sign_in_start(meeting=session, by=clerk)
    session.refresh_from_db()
    phone = client_for(deputies[0].user)
    response = phone.post(url("sign_in", session.pk), {"code": "x"})
    assert "签到码不正确" in text(response)
    response = phone.post(url("sign_in", session.pk), {"code": session.sign_in_code}, follow=True)
    assert "签到成功" in text(response)
    response = phone.post(url("sign_in", session.pk), {"code": session.sign_in_code})
    assert "您已于" in text(response)
    for deputy in deputies[1:6]:
        svc.attendance_mark(meeting=session, by=clerk, deputy=deputy, status=AttendanceStatus.PRESENT)
    svc.meeting_open(meeting=session, by=clerk)
    vote = svc.vote_open(meeting=session, by=clerk, title="民生实事项目", method=VoteMethod.PHONE)
    phone = client_for(deputies[0].user)
    page = text(phone.get(url("detail", session.pk)))
    assert 'data-action="ballot"' in page
    phone.post(url("ballot", session.pk, vote.pk), {"choice": "yes"})
    assert "已表决：赞成" in text(phone.get(url("detail", session.pk)))
    response = phone.post(url("ballot", session.pk, vote.pk), {"choice": "no"})
    assert "不能重复表决" in text(response)


def test_motion_pages(client_for, session, deputies, chair, clerk, motion):
    assert client_for(deputies[0].user).get(url("motion_detail", motion.pk)).status_code == 404  # before the notice
    svc.meeting_notify(meeting=session, by=clerk)
    assert client_for(deputies[5].user).get(url("motion_detail", motion.pk)).status_code == 404  # not a signer yet
    lead = client_for(deputies[0].user)
    page = text(lead.get(url("motion_detail", motion.pk)))
    assert "已确认 1 人，须 5 人以上" in page and "还需 4 名代表确认联名" in page
    response = lead.post(url("motion_submit", motion.pk), follow=True)
    assert "现已确认 1 人，还需 4 人" in text(response)
    for deputy in deputies[1:4]:
        client_for(deputy.user).post(url("motion_confirm", motion.pk))
    client_for(clerk).post(url("motion_confirm", motion.pk), {"deputy": deputies[4].pk})
    client_for(deputies[0].user).post(url("motion_submit", motion.pk))
    motion.refresh_from_db()
    assert motion.state == "submitted"
    assert client_for(deputies[5].user).get(url("motion_detail", motion.pk)).status_code == 200  # put to the session
    response = client_for(chair).post(url("motion_decide", motion.pk), {"decision": "not_list", "reason": ""})
    assert "请写明理由" in text(response)
    client_for(chair).post(url("motion_decide", motion.pk), {"decision": "list"})
    motion.refresh_from_db()
    assert motion.state == "listed" and motion.agenda_item is not None


def test_a_deputy_moves_a_motion_on_the_phone(client_for, session, deputies, clerk):
    svc.meeting_notify(meeting=session, by=clerk)
    client = client_for(deputies[0].user)
    form = client.get(url("motion_create", session.pk)).context["form"]
    assert "lead" not in form.fields
    response = client.post(
        url("motion_create", session.pk),
        {
            "kind": "ordinary",
            "source": "deputies",
            "title": "关于整治集镇排水沟的议案",
            "content": "排水沟堵塞。",
            "co_signers": [d.pk for d in deputies[1:5]],
        },
    )
    motion = Motion.objects.get()
    assert response.status_code == 302 and response.url == motion.get_absolute_url()
    assert motion.signers.count() == 5


def test_the_printed_notice_is_the_documents_gbt9704_pdf(client_for, clerk, session, township):
    from ..core.test_pdf import is_embedded, pdf_fonts, pdf_text, squash

    body = IssuingBody.objects.create(
        township=township, name="青山镇人民代表大会主席团", code="青人", mark="青山镇人大主席团文件"
    )
    client = client_for(clerk)
    page = text(client.get(url("detail", session.pk)))
    assert 'data-action="document-notice"' in page and 'data-action="document-report"' not in page
    response = client.post(url("document_draft", session.pk), {"purpose": "notice", "issuing_body": body.pk})
    notice = session.documents.get().document
    assert response.status_code == 302 and response.url == notice.get_absolute_url()
    pdf = client.get(reverse("documents:outgoing_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    printed = squash(pdf_text(pdf.content))
    for expected in (
        "青山镇人大主席团文件",
        "关于召开青山镇第十九届人民代表大会第一次会议的通知",
        "各位代表：",
        "镇政府三楼会议室",
    ):
        assert squash(expected) in printed, expected
    assert all(is_embedded(font) for font in pdf_fonts(pdf.content))
    assert 'data-testid="meeting-document"' in text(client.get(url("detail", session.pk)))


def test_the_session_dossier_pdf(
    client_for, clerk, chair, users, session, deputies, township, django_capture_on_commit_callbacks
):
    from congress_office.models import PdfJobStatus

    from ..core.test_pdf import is_embedded, pdf_fonts, pdf_text, run_report, save_artifact, squash

    svc.agenda_add(
        meeting=session, by=clerk, title="审查和批准2027年镇财政预算", presenter="镇财政所所长", needs_vote=True
    )
    row = svc.leave_request(meeting=session, by=clerk, deputy=deputies[8], reason="外出务工")
    svc.leave_decide(attendance=row, by=chair, approve=True)
    session = opened(session, clerk, deputies)
    svc.observer_add(meeting=session, by=clerk, name="刘明", unit="镇党委副书记")
    vote = svc.vote_open(meeting=session, by=clerk, title="审查和批准2027年镇财政预算", method=VoteMethod.HANDS)
    svc.vote_close(vote=vote, by=clerk, yes=4, no=1, abstain=1)
    svc.meeting_close(meeting=session, by=clerk, minutes="预算草案赞成票未过全体代表半数，未获通过。")
    auditor = users[Role.AUDITOR]
    client = client_for(auditor)
    assert 'data-action="dossier"' in text(client.get(url("detail", session.pk)))
    job, data = run_report(
        client, django_capture_on_commit_callbacks, "meetings.dossier", {"meeting_id": session.pk}, auditor
    )
    assert data and job.status == PdfJobStatus.DONE, job.message
    printed = squash(pdf_text(data))
    for expected in (
        "青山镇第十九届人民代表大会第一次会议",
        "会议档案",
        "应到9人，实到6人，法定人数6人",
        "出席6人，请假1人，缺席2人；列席1人",
        "外出务工（已批准）",
        "刘明（镇党委副书记）",
        "赞成4票，反对1票，弃权1票，未表决0人；通过所需5票（全体代表过半数），未通过。",
        "预算草案赞成票未过全体代表半数",
    ):
        assert squash(expected) in printed, expected
    assert all(is_embedded(font) for font in pdf_fonts(data))
    save_artifact("meeting_dossier", data)


def test_another_townships_dossier_is_refused(client_for, other_clerk, session, django_capture_on_commit_callbacks):
    from congress_office.models import PdfJobStatus

    from ..core.test_pdf import run_report

    client = client_for(other_clerk)
    job, data = run_report(
        client, django_capture_on_commit_callbacks, "meetings.dossier", {"meeting_id": session.pk}, other_clerk
    )
    assert job.status == PdfJobStatus.FAILED and "找不到该会议" in job.message and data is None and not job.file


def test_livelihood_projects_through_the_pages(
    client_for, clerk, session, deputies, township, unit, other_clerk, users
):
    from meetings.models import LivelihoodProject

    client = client_for(clerk)
    response = client.post(
        url("project_add", session.pk),
        {"title": "东风村便民桥建设", "source": "deputies", "proposer": deputies[1].pk, "budget": "45.5"},
    )
    project = LivelihoodProject.objects.get()
    assert response.status_code == 302 and project.proposer == deputies[1]
    assert client_for(other_clerk).get(reverse("meetings:project_detail", args=[project.pk])).status_code == 404
    client = client_for(clerk)
    session = opened(session, clerk, deputies)
    page = client.get(reverse("meetings:project_vote", args=[project.pk]))
    assert "赞成票达到 5 票（全体代表 9 人的过半数）" in text(page)
    client.post(reverse("meetings:project_vote", args=[project.pk]), {"method": "hands"})
    vote = Vote.objects.get()
    client.post(url("vote_close", session.pk, vote.pk), {"yes": 6, "no": 0, "abstain": 0})
    project.refresh_from_db()
    assert project.state == "chosen"
    client.post(reverse("meetings:project_assign", args=[project.pk]), {"lead_unit": unit.pk})
    handler = client_for(users[Role.UNIT_HANDLER])
    detail = text(handler.get(reverse("meetings:project_detail", args=[project.pk])))
    assert 'data-action="project_report"' in detail
    handler.post(reverse("meetings:project_report", args=[project.pk]), {"content": "完成设计。", "progress": 30})
    project.refresh_from_db()
    assert project.progress == 30 and project.reports.count() == 1
    assert "30%" in text(client_for(clerk).get(reverse("meetings:project_detail", args=[project.pk])))
    other_handler = UserFactory(
        username="h2", township=township, unit=UnitFactory(township=township, name="城建办"), roles=[Role.UNIT_HANDLER]
    )
    assert client_for(other_handler).get(reverse("meetings:project_detail", args=[project.pk])).status_code == 404
