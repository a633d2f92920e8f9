"""The democratic evaluation's pages: the office draws and issues (the slips as a PDF, once), a
deputy opens their code on the phone and votes, a party delegate votes with a slip and no
account, answers survive a refused submission, results after closing."""

import re

import pytest
from django.urls import reverse

from assessments import evaluation as ev
from assessments.choices import PersonKind
from assessments.models import BallotCode, CodeEnvelope, EvaluationResponse

from ..core.test_pdf import pdf_text, squash
from .test_evaluation import answers_for, deputies  # noqa: F401 (the fixture)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def evaluation(plan, clerk, deputies):  # noqa: F811
    evaluation = ev.evaluation_create(plan=plan, by=clerk)
    ev.people_add(
        evaluation=evaluation, by=clerk, kind=PersonKind.PARTY, names="党代表甲\n党代表乙\n党代表丙\n党代表丁\n党代表戊"
    )
    return evaluation


def ballot_post(evaluation, code, rating="good"):
    data = {f"a-{s}-{q}": rating for s, q in ev.expected_answers(evaluation)}
    return {**data, "code": code, "comment": "多下村走访"}


def test_the_office_draws_issues_and_closes_through_the_pages(client_for, clerk, chair, evaluation, other_clerk, users):
    from congress_office.roles import Role

    client = client_for(clerk)
    detail = reverse("assessments:evaluation_detail", args=[evaluation.pk])
    assert client_for(other_clerk).get(detail).status_code == 404
    assert client_for(users[Role.DEPUTY]).get(detail).status_code == 403
    client = client_for(clerk)
    client.post(
        reverse("assessments:evaluation_draw", args=[evaluation.pk]),
        {"percent": 40, "witness": "县纪委 王某", "seed": "abc"},
    )
    page = text(client.get(detail))
    assert "随机种子 <code>abc</code>" in page and "共 20 人，抽中 8 人" in page and "共 5 人，抽中 2 人" in page
    response = client.post(reverse("assessments:evaluation_issue", args=[evaluation.pk]))
    assert (
        response.status_code == 200
        and response["Content-Type"] == "application/pdf"
        and "no-store" in response["Cache-Control"]
    )
    printed = squash(pdf_text(response.content))
    evaluation.refresh_from_db()
    phones = CodeEnvelope.objects.filter(evaluation=evaluation).count()
    assert printed.count("请沿虚线剪下") == evaluation.issued - phones
    codes = re.findall(r"[A-HJ-NP-Z2-9]{10}", printed)
    assert len(set(codes)) == evaluation.issued - phones
    again = client.post(reverse("assessments:evaluation_issue", args=[evaluation.pk]), follow=True)
    assert "只发放一次" in text(again)  # the slips are not printed twice
    page = text(client.get(detail))
    assert f"已投票 0 / {evaluation.issued} 人" in page
    client.post(reverse("assessments:evaluation_close", args=[evaluation.pk]))
    assert 'data-testid="too-few"' in text(client.get(detail))


def test_a_deputy_opens_the_code_on_the_phone_and_votes(client, client_for, clerk, evaluation):
    ev.sample_draw(evaluation=evaluation, by=clerk, percent=40, witness="王某", seed="abc")
    ev.codes_issue(evaluation=evaluation, by=clerk)
    envelope = CodeEnvelope.objects.filter(evaluation=evaluation).first()
    ballot = reverse("assessments:ballot", args=[evaluation.pk])
    phone = client_for(envelope.user)
    assert 'data-action="open-envelope"' in text(phone.get(ballot))
    opened = text(phone.post(ballot, {"envelope": "1"}))
    code = re.search(r'data-testid="my-code">.*?font-monospace[^>]*>([A-Z0-9]{10})<', opened).group(1)
    assert "<svg" in opened and not CodeEnvelope.objects.filter(user=envelope.user).exists()
    response = phone.post(
        ballot,
        {
            **ballot_post(evaluation, code),
            f"a-{ev.expected_answers(evaluation)[0][0]}-{ev.expected_answers(evaluation)[0][1]}": "",
        },
    )
    page = text(response)
    assert "还有 1 项未选择" in page and 'value="good" checked' in page and "多下村走访" in page  # nothing lost
    response = phone.post(ballot, ballot_post(evaluation, code))
    assert response.status_code == 302 and response.url == reverse("assessments:ballot_done", args=[evaluation.pk])
    assert code not in text(client.get(response.url))
    assert EvaluationResponse.objects.filter(evaluation=evaluation).count() == 1
    again = text(phone.post(ballot, ballot_post(evaluation, code)))
    assert "测评码无效或已使用" in again


def test_a_party_delegate_votes_with_a_slip_and_no_account(client, clerk, evaluation):
    ev.sample_draw(evaluation=evaluation, by=clerk, percent=40, witness="王某", seed="abc")
    slips = ev.codes_issue(evaluation=evaluation, by=clerk)
    party = next(code for name, kind, code in slips if kind == "党代表")
    ballot = reverse("assessments:ballot", args=[evaluation.pk])
    assert 'data-testid="ballot-form"' in text(client.get(ballot))  # no login
    response = client.post(ballot, ballot_post(evaluation, party, "fairly_good"))
    assert response.status_code == 302
    assert BallotCode.objects.filter(evaluation=evaluation, used=True).count() == 1
