"""A sampled deputy casts a democratic-evaluation ballot on a 375 px phone (issue 10's journey):
the notification leads to the ballot page, the deputy opens their one-time code (shown once),
answers every question, confirms, and the code no longer works; nothing in the pages' URLs
carries the code."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments import evaluation as ev
from assessments import services as svc
from assessments.choices import PersonKind, SubjectKind
from assessments.models import BallotCode, EvaluationResponse
from congress_office.roles import Role

from ..deputies.factories import DeputyFactory, TermFactory
from ..factories import UserFactory
from .test_documents_journey import PHONE, Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sampled(township):
    clerk = UserFactory(username="zhangli", name="张丽", township=township, roles=[Role.CLERK])
    voter = UserFactory(username="wangdf", name="王德福", township=township, roles=[Role.DEPUTY])
    term = TermFactory(township=township)
    DeputyFactory(term=term, name="王德福", user=voter)  # the only deputy: ⌈1 × 40 %⌉ draws him
    plan = svc.plan_create(township=township, by=clerk, year=timezone.localdate().year)
    economy = svc.type_add(plan=plan, by=clerk, name="经济发展类")
    svc.indicator_add(assessment_type=economy, by=clerk, name="财政收入", weight=100)
    svc.subject_add(
        plan=plan, by=clerk, kind=SubjectKind.CADRE, name="陈志明", position="镇长", assessment_type=economy
    )
    svc.subject_add(
        plan=plan, by=clerk, kind=SubjectKind.CADRE, name="刘红梅", position="副镇长", assessment_type=economy
    )
    evaluation = ev.evaluation_create(plan=plan, by=clerk)
    ev.people_add(evaluation=evaluation, by=clerk, kind=PersonKind.PARTY, names="党代表甲\n党代表乙\n党代表丙")
    ev.sample_draw(evaluation=evaluation, by=clerk, percent=40, witness="赵明", seed="e2e")
    assert evaluation.people.get(name="王德福").sampled
    ev.codes_issue(evaluation=evaluation, by=clerk)
    from congress_office.services.notifications import notify

    notify(recipients=[voter], title=f"民主测评：{evaluation}", url=f"/assessments/evaluations/{evaluation.pk}/ballot/")
    return evaluation


def test_a_deputy_casts_a_ballot_with_a_one_time_code_on_a_phone(live_server, browser, screenshot, sampled):
    journey = Journey(live_server, browser, screenshot, "ballot")
    phone = journey.open("wangdf", "王德福", size=PHONE)
    phone.get_by_role("link", name="通知", exact=True).click()
    phone.get_by_text(re.compile("民主测评")).first.click()
    phone.wait_for_url(re.compile(r"/assessments/evaluations/\d+/ballot/$"))
    journey.look(phone, "ballot-page")
    phone.locator('[data-action="open-envelope"]').click()
    code_box = phone.get_by_test_id("my-code")
    expect(code_box).to_be_visible()
    code = re.search(r"[A-HJ-NP-Z2-9]{10}", code_box.inner_text()).group(0)
    journey.look(phone, "ballot-code")
    form = phone.get_by_test_id("ballot-form")
    expect(form.get_by_label("测评码")).to_have_value(code)
    for subject in form.get_by_test_id("ballot-subject").all():
        for group in subject.get_by_role("radiogroup").all():
            group.get_by_label("好", exact=True).check()
    form.get_by_label("意见建议（选填）").fill("工作扎实，希望多下村。")
    journey.look(phone, "ballot-filled")
    seen = []
    phone.once("dialog", lambda d: (seen.append(d.message), d.accept()))
    form.get_by_test_id("submit").click()
    phone.wait_for_url(re.compile(r"/ballot/done/$"))
    assert seen == ["提交后不能修改，确认提交？"]
    expect(phone.get_by_test_id("done")).to_contain_text("测评票已提交")
    journey.look(phone, "ballot-done")

    # the code is spent, and it never travelled in a URL
    phone.goto(f"{live_server.url}/assessments/evaluations/{sampled.pk}/ballot/")
    expect(phone.locator('[data-action="open-envelope"]')).to_have_count(0)
    assert EvaluationResponse.objects.filter(evaluation=sampled).count() == 1
    assert BallotCode.objects.filter(evaluation=sampled, used=True).count() == 1
    for recorder in journey.recorders:
        assert not [url for url in recorder.requests if code in url]
    journey.assert_clean()
