# ruff: noqa: F811  (the fixtures imported from office_fixtures are redefined as arguments)
"""Registration from every channel and the acceptance decision (信访工作条例).

Expected behaviour:
- a petition registers from each of the six channels; 代表转交 names a deputy of the township;
- what the 条例 asks for is required: a name or an organisation, address, request, facts;
  refusals are in Chinese;
- a group visit has a headcount and at most 5 representatives (6 are refused in Chinese);
- registration opens the acceptance clock: due 15 calendar days after receipt, moved to the
  next working day when that falls on a rest day (National Day 2026); the decision meets it;
- the decision is accept, decline with a reason, or transfer out to a named body, once: a
  second decision is an illegal transition with a Chinese message; who may decide is checked;
- a new petition of the same person (ID number or phone) on the same subject in the same
  township is linked to the earlier one and flagged; other subjects and townships are not;
- the office's forms and pages do the same through the services, and a reception visit
  becomes a petition;
- the notice letter PDF is built only through the owner's visibility.
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from congress_office.models import Deadline, DeadlineState
from congress_office.registries import pdf_reports, reception_visit_actions
from congress_office.roles import Role
from congress_office.services.cases import case_timeline
from petitions.choices import Channel, PetitionState
from petitions.models import Petition, PetitionAttachment
from petitions.services.registration import (
    find_earlier_case,
    petition_accept,
    petition_decline,
    petition_transfer_out,
)

from .office_fixtures import (  # noqa: F401
    RECEIVED,
    other_petition,
    pdf_upload,
    petition,
    petition_form_data,
    png_upload,
    register_petition,
    stored_files,
    subject,
    valid_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(township):
    from tests.deputies.factories import DeputyFactory

    return DeputyFactory(term__township=township, name="张桂兰")


def acceptance_deadline(petition):
    return Deadline.objects.get(kind="petitions.petition.acceptance", subject_id=petition.pk)


# --- registration ---------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", Channel.values)
def test_every_channel_registers(channel, township, clerk, deputy):
    extra = {"source_deputy": deputy} if channel == Channel.DEPUTY else {}
    petition = register_petition(township=township, by=clerk, channel=channel, **extra)

    petition.refresh_from_db()
    assert petition.state == PetitionState.REGISTERED and petition.channel == channel
    assert petition.sequence == 1 and petition.year == 2026 and str(petition.number) == "青信〔2026〕1号"
    assert [e.action for e in case_timeline(petition)] == ["register"]
    assert acceptance_deadline(petition).state == DeadlineState.OPEN


def test_numbers_are_consecutive_per_township_and_year(township, other_township, clerk, other_clerk):
    first = register_petition(township=township, by=clerk)
    second = register_petition(township=township, by=clerk, phone="13700000000", id_number="")
    elsewhere = register_petition(township=other_township, by=other_clerk)

    assert (first.sequence, second.sequence, elsewhere.sequence) == (1, 2, 1)


def test_forwarded_by_deputy_needs_a_deputy_of_the_township(township, other_township, clerk):
    from tests.deputies.factories import DeputyFactory

    with pytest.raises(ValidationError, match="请选择转交代表"):
        register_petition(township=township, by=clerk, channel=Channel.DEPUTY)
    stranger = DeputyFactory(term__township=other_township)
    with pytest.raises(ValidationError, match="必须是本乡镇的代表"):
        register_petition(township=township, by=clerk, channel=Channel.DEPUTY, source_deputy=stranger)
    assert not Petition.objects.exists()


def test_group_visit_with_six_representatives_is_refused_in_chinese(township, clerk):
    six = ["甲", "乙", "丙", "丁", "戊", "己"]
    with pytest.raises(ValidationError) as refused:
        register_petition(
            township=township, by=clerk, channel=Channel.VISIT, is_group=True, headcount=30, representatives=six
        )
    assert refused.value.message_dict["representatives"] == ["集体访推选的代表不得超过 5 人。"]
    assert not Petition.objects.exists()

    petition = register_petition(
        township=township, by=clerk, channel=Channel.VISIT, is_group=True, headcount=30, representatives=six[:5]
    )
    assert petition.representatives == six[:5] and petition.headcount == 30


def test_group_visit_needs_a_headcount(township, clerk):
    with pytest.raises(ValidationError, match="集体访请填写来访人数"):
        register_petition(township=township, by=clerk, channel=Channel.VISIT, is_group=True, headcount=1)


def test_missing_name_and_organisation_is_refused_in_chinese(township, clerk):
    with pytest.raises(ValidationError) as refused:
        register_petition(township=township, by=clerk, petitioner_name="", organisation="")
    assert refused.value.message_dict["petitioner_name"] == ["请填写信访人姓名或单位名称。"]
    assert not Petition.objects.exists()

    by_organisation = register_petition(township=township, by=clerk, petitioner_name="", organisation="石桥村合作社")
    assert by_organisation.petitioner == "石桥村合作社"


@pytest.mark.parametrize("field", ["address", "request", "facts", "title"])
def test_the_record_the_regulation_asks_for_is_required(township, clerk, field):
    with pytest.raises(ValidationError) as refused:
        register_petition(township=township, by=clerk, **{field: ""})
    assert field in refused.value.message_dict


def test_received_in_the_future_is_refused(township, clerk):
    with pytest.raises(ValidationError, match="收到日期不能晚于今天"):
        register_petition(township=township, by=clerk, received_on=date(2099, 1, 1))


# --- the acceptance clock and decision --------------------------------------------------------------


def test_acceptance_is_due_fifteen_days_after_receipt(township, clerk):
    petition = register_petition(township=township, by=clerk, received_on=RECEIVED)  # Mon 2 Nov 2026

    deadline = acceptance_deadline(petition)
    assert deadline.due_date == date(2026, 11, 17) and deadline.limit == 15
    assert deadline.basis() == "自 2026-11-02 起 15 日（自然日）"


def test_acceptance_due_in_the_national_day_holiday_moves_to_the_next_working_day(township, clerk):
    petition = register_petition(township=township, by=clerk, received_on=date(2026, 9, 20))

    deadline = acceptance_deadline(petition)
    # 20 Sep + 15 days = Mon 5 Oct, inside the 1–7 Oct holiday: due Thu 8 Oct
    assert deadline.original_due_date == date(2026, 10, 8) == deadline.due_date


def test_accepting_meets_the_acceptance_clock(township, clerk):
    petition = register_petition(township=township, by=clerk, received_on=RECEIVED)

    petition_accept(petition=petition, by=clerk, on=date(2026, 11, 5))

    petition.refresh_from_db()
    assert petition.state == PetitionState.ACCEPTED and petition.accepted_on == date(2026, 11, 5)
    assert acceptance_deadline(petition).state == DeadlineState.MET
    assert [e.action for e in case_timeline(petition)] == ["register", "accept"]


def test_acceptance_date_must_lie_between_receipt_and_today(township, clerk):
    petition = register_petition(township=township, by=clerk, received_on=RECEIVED)

    with pytest.raises(ValidationError, match="不能早于收到日期"):
        petition_accept(petition=petition, by=clerk, on=date(2026, 11, 1))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        petition_accept(petition=petition, by=clerk, on=date(2099, 1, 1))


def test_declining_needs_a_reason(township, clerk):
    petition = register_petition(township=township, by=clerk)

    with pytest.raises(ValidationError) as refused:
        petition_decline(petition=petition, by=clerk, reason="  ")
    assert refused.value.message_dict["reason"] == ["请填写不予受理的理由。"]

    petition_decline(petition=petition, by=clerk, reason="已进入诉讼程序。")
    petition.refresh_from_db()
    assert petition.state == PetitionState.NOT_ACCEPTED and petition.decision_reason == "已进入诉讼程序。"
    assert acceptance_deadline(petition).state == DeadlineState.MET


def test_transfer_out_names_the_competent_body(township, clerk):
    petition = register_petition(township=township, by=clerk)

    with pytest.raises(ValidationError, match="请填写转送的机关"):
        petition_transfer_out(petition=petition, by=clerk, to="", reason="")
    petition_transfer_out(
        petition=petition, by=clerk, to="示范县市场监督管理局", reason="属于市场监管职权", on=date(2026, 11, 6)
    )

    petition.refresh_from_db()
    assert petition.state == PetitionState.TRANSFERRED_OUT and petition.transferred_to == "示范县市场监督管理局"
    assert case_timeline(petition)[-1].data == {"to": "示范县市场监督管理局", "on": "2026-11-06"}
    deadline = acceptance_deadline(petition)
    assert deadline.state == DeadlineState.MET and deadline.met_on == date(2026, 11, 6)


def test_accepting_twice_is_an_illegal_transition_with_a_chinese_message(township, clerk):
    petition = register_petition(township=township, by=clerk)
    petition_accept(petition=petition, by=clerk)

    with pytest.raises(ValidationError) as refused:
        petition_accept(petition=petition, by=clerk)
    assert refused.value.messages == ["该事项当前为“已受理待交办”，不能“受理”。"]
    with pytest.raises(ValidationError, match="不能“不予受理”"):
        petition_decline(petition=petition, by=clerk, reason="理由")
    with pytest.raises(ValidationError, match="不能“转送有权机关”"):
        petition_transfer_out(petition=petition, by=clerk, to="某局", reason="")
    assert [e.action for e in case_timeline(petition)] == ["register", "accept"]


def test_only_the_townships_deciders_may_decide(township, clerk, users, other_clerk):
    petition = register_petition(township=township, by=clerk)

    for user in (users[Role.DEPUTY], users[Role.UNIT_HANDLER], users[Role.AUDITOR], users[Role.COUNTY], other_clerk):
        with pytest.raises(PermissionDenied):
            petition_accept(petition=petition, by=user)
    petition_accept(petition=petition, by=users[Role.CHAIR])
    assert Petition.objects.get().state == PetitionState.ACCEPTED


# --- repeat petitions -----------------------------------------------------------------------------


def test_repeat_detected_by_id_number(township, clerk):
    earlier = register_petition(township=township, by=clerk, phone="13800000001", id_number=valid_id())
    later = register_petition(township=township, by=clerk, phone="13800000002", id_number=valid_id().lower())

    assert later.repeat_of == earlier
    assert case_timeline(later)[0].data["repeat_of"] == earlier.pk


def test_repeat_detected_by_phone(township, clerk):
    earlier = register_petition(township=township, by=clerk, phone="13800000001", id_number="")
    later = register_petition(township=township, by=clerk, phone="13800000001", id_number=valid_id())

    assert later.repeat_of == earlier


def test_the_most_recent_earlier_case_is_linked(township, clerk):
    first = register_petition(township=township, by=clerk, received_on=date(2026, 9, 1))
    second = register_petition(township=township, by=clerk, received_on=date(2026, 10, 1))
    third = register_petition(township=township, by=clerk, received_on=date(2026, 11, 1))

    assert (first.repeat_of, second.repeat_of, third.repeat_of) == (None, first, second)


def test_a_late_registered_older_letter_is_not_a_repeat_of_a_newer_petition(township, clerk):
    newer = register_petition(township=township, by=clerk, received_on=date(2026, 11, 1))
    older = register_petition(township=township, by=clerk, received_on=date(2026, 9, 1))

    assert older.repeat_of is None and find_earlier_case(newer) == older


def test_no_repeat_across_subjects(township, clerk):
    register_petition(township=township, by=clerk, subject_name="土地征收")
    other_subject = register_petition(township=township, by=clerk, subject_name="环境污染")

    assert other_subject.repeat_of is None


def test_no_repeat_across_townships(township, other_township, clerk, other_clerk):
    register_petition(township=township, by=clerk)
    elsewhere = register_petition(township=other_township, by=other_clerk)

    assert elsewhere.repeat_of is None


def test_no_repeat_for_another_person_or_without_identity(township, clerk):
    register_petition(township=township, by=clerk)
    someone_else = register_petition(township=township, by=clerk, phone="13900000000", id_number=valid_id())
    anonymous = register_petition(township=township, by=clerk, phone="", id_number="")

    assert someone_else.repeat_of is None and anonymous.repeat_of is None


# --- the register page ----------------------------------------------------------------------------


form_data = petition_form_data


CREATE = reverse("petitions:petition_create")


def test_clerk_registers_through_the_form_with_attachments(client_for, clerk):
    response = client_for(clerk).post(CREATE, {**form_data(), "attachments": [png_upload(), pdf_upload()]})

    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url == petition.get_absolute_url()
    assert petition.phone == "13812345678" and petition.registered_by == clerk  # normalised
    assert sorted(PetitionAttachment.objects.values_list("name", flat=True)) == ["材料.pdf", "现场照片.png"]
    page = client_for(clerk).get(response.url)
    assert "已登记 青信〔2026〕1号" in page.text


def test_the_form_registers_a_group_visit_and_refuses_six_representatives(client_for, clerk):
    six = "\n".join(["甲", "乙", "丙", "丁", "戊", "己"])
    refused = client_for(clerk).post(
        CREATE, form_data(channel="visit", is_group="on", headcount="20", representatives=six)
    )
    assert refused.status_code == 200 and "集体访推选的代表不得超过 5 人。" in refused.text
    assert not Petition.objects.exists()

    client_for(clerk).post(
        CREATE, form_data(channel="visit", is_group="on", headcount="20", representatives="甲\n乙\n\n丙")
    )
    petition = Petition.objects.get()
    assert petition.is_group and petition.headcount == 20 and petition.representatives == ["甲", "乙", "丙"]


def test_the_form_refuses_missing_name_and_organisation_and_bad_personal_data(client_for, clerk):
    response = client_for(clerk).post(CREATE, form_data(petitioner_name="", phone="12345", id_number="320102"))

    assert response.status_code == 200 and not Petition.objects.exists()
    assert "请填写信访人姓名或单位名称。" in response.text
    assert "请输入正确的手机号码" in response.text and "请输入正确的 18 位身份证号码" in response.text


def test_the_form_chooses_the_forwarding_deputy_among_visible_ones(client_for, clerk, deputy, other_township):
    from tests.deputies.factories import DeputyFactory

    stranger = DeputyFactory(term__township=other_township, name="外乡代表")
    page = client_for(clerk).get(CREATE)
    assert "张桂兰" in page.text and "外乡代表" not in page.text

    missing = client_for(clerk).post(CREATE, form_data(channel="deputy"))
    assert "代表转交的信访件请选择转交代表。" in missing.text
    foreign = client_for(clerk).post(CREATE, form_data(channel="deputy", source_deputy=stranger.pk))
    assert foreign.status_code == 200 and not Petition.objects.exists()
    client_for(clerk).post(CREATE, form_data(channel="deputy", source_deputy=deputy.pk))
    assert Petition.objects.get().source_deputy == deputy


def test_the_form_shows_the_repeat_in_its_message(client_for, clerk, township):
    earlier = register_petition(township=township, by=clerk, phone="13812345678")
    response = client_for(clerk).post(CREATE, form_data(), follow=True)

    assert "系统识别为重复信访" in response.text
    assert Petition.objects.exclude(pk=earlier.pk).get().repeat_of == earlier


# --- the reception visit hook ---------------------------------------------------------------------


@pytest.fixture
def visit(township, clerk):
    from deputies.models import ReceptionDay
    from deputies.services.activities import reception_visit_record
    from tests.deputies.factories import DistrictFactory

    district = DistrictFactory(term__township=township, name="东风村选区")
    day = ReceptionDay.objects.create(township=township, district=district, date=date(2026, 11, 10), place="村委会")
    return reception_visit_record(
        reception_day=day, by=clerk, visitor="陈阿姨", visitor_contact="", matter="村口路灯不亮\n已经坏了两个月"
    )


def test_a_reception_visit_offers_to_become_a_petition(visit, clerk, users, other_clerk):
    build = reception_visit_actions["petitions.to_petition"]

    action = build(visit, clerk)
    assert action["label"] == "转为信访" and action["url"] == f"{CREATE}?visit={visit.pk}"
    assert build(visit, users[Role.AUDITOR]) is None and build(visit, other_clerk) is None
    assert build(visit, users[Role.CHAIR]) is None  # chairs decide; clerks register


def test_registering_from_a_visit_prefills_and_marks_the_visit(client_for, clerk, visit):
    page = client_for(clerk).get(f"{CREATE}?visit={visit.pk}")
    assert page.status_code == 200 and 'data-testid="from-visit"' in page.text
    form = page.context["form"]
    assert form.initial["petitioner_name"] == "陈阿姨" and form.initial["channel"] == Channel.VISIT
    assert form.initial["request"] == visit.matter and form.initial["facts"] == visit.matter
    assert form.initial["title"] == "村口路灯不亮"

    data = form_data(
        channel="visit",
        petitioner_name="陈阿姨",
        title="村口路灯不亮",
        request=visit.matter,
        facts=visit.matter,
        oral_record=visit.matter,
        received_on="2026-11-10",
    )
    response = client_for(clerk).post(f"{CREATE}?visit={visit.pk}", data)

    petition = Petition.objects.get()
    visit.refresh_from_db()
    assert response.status_code == 302
    assert (visit.follow_up_kind, visit.follow_up_id) == ("petition", petition.pk)
    again = client_for(clerk).get(f"{CREATE}?visit={visit.pk}")
    assert again.status_code == 302  # already followed up


def test_another_townships_visit_is_not_found(client_for, other_clerk, visit):
    assert client_for(other_clerk).get(f"{CREATE}?visit={visit.pk}").status_code == 404


# --- the decision page ----------------------------------------------------------------------------


def decide_url(petition):
    return reverse("petitions:petition_decide", args=[petition.pk])


def test_the_decision_page_accepts(client_for, clerk, petition):
    page = client_for(clerk).get(decide_url(petition))
    assert 'data-testid="acceptance-deadline"' in page.text and "2026-11-17" in page.text

    response = client_for(clerk).post(decide_url(petition), {"decision": "accept", "on": "2026-11-04"})

    petition.refresh_from_db()
    assert response.status_code == 302 and petition.state == PetitionState.ACCEPTED
    assert petition.accepted_on == date(2026, 11, 4)


def test_the_decision_page_declines_only_with_a_reason(client_for, clerk, petition):
    missing = client_for(clerk).post(decide_url(petition), {"decision": "not_accept", "reason": ""})
    assert missing.status_code == 200 and "请填写不予受理的理由。" in missing.text
    client_for(clerk).post(decide_url(petition), {"decision": "not_accept", "reason": "不属于信访事项"})
    petition.refresh_from_db()
    assert petition.state == PetitionState.NOT_ACCEPTED and petition.decision_reason == "不属于信访事项"


def test_the_decision_page_transfers_out(client_for, chair, petition):
    missing = client_for(chair).post(decide_url(petition), {"decision": "transfer_out", "to": ""})
    assert "请填写转送的机关。" in missing.text
    client_for(chair).post(decide_url(petition), {"decision": "transfer_out", "to": "县人社局", "reason": "劳动监察"})
    petition.refresh_from_db()
    assert petition.state == PetitionState.TRANSFERRED_OUT and petition.transferred_to == "县人社局"


def test_a_second_decision_shows_the_engines_chinese_refusal(client_for, clerk, petition):
    petition_accept(petition=petition, by=clerk)

    assert client_for(clerk).get(decide_url(petition)).status_code == 302
    response = client_for(clerk).post(decide_url(petition), {"decision": "accept"})
    assert response.status_code == 200
    assert "该事项当前为“已受理待交办”，不能“受理”。" in response.text


# --- the notice letter ----------------------------------------------------------------------------


class Job:
    def __init__(self, owner, petition_id):
        self.owner, self.params = owner, {"petition_id": str(petition_id)}


def notice_context(owner, petition):
    return pdf_reports["petitions.acceptance_notice"].build_context(Job(owner, petition.pk), lambda *a: None)


@pytest.mark.parametrize(
    "decision, heading, phrase",
    [
        ("accept", "受理告知书", "予以受理"),
        ("decline", "不予受理告知书", "已进入诉讼程序"),
        ("transfer", "转送告知书", "转送示范县市场监督管理局处理"),
    ],
)
def test_the_notice_letter_follows_the_decision(clerk, petition, decision, heading, phrase):
    if decision == "accept":
        petition_accept(petition=petition, by=clerk, on=date(2026, 11, 4))
    elif decision == "decline":
        petition_decline(petition=petition, by=clerk, reason="已进入诉讼程序。")
    else:
        petition_transfer_out(petition=petition, by=clerk, to="示范县市场监督管理局", reason="")
    petition.refresh_from_db()

    context = notice_context(clerk, petition)
    html = render_to_string("petitions/pdf/acceptance_notice.html", {**context, "pdf_fonts": {}, "title": "t"})
    assert context["heading"] == heading and f"<h1>{heading}</h1>" in html and phrase in html
    assert "王大山" in html and petition.phone not in html and petition.id_number not in html


def test_the_notice_letter_needs_a_decision_and_a_visible_petition(clerk, other_clerk, petition):
    with pytest.raises(ValidationError, match="尚未作出受理决定"):
        notice_context(clerk, petition)
    petition_accept(petition=petition, by=clerk)
    with pytest.raises(ValidationError, match="找不到该信访件"):
        notice_context(other_clerk, petition)
    spec = pdf_reports["petitions.acceptance_notice"]
    assert spec.params == ("petition_id",) and spec.template == "petitions/pdf/acceptance_notice.html"


def test_the_notice_letter_renders_to_pdf(clerk, petition, django_capture_on_commit_callbacks):
    from congress_office.models import PdfJob, PdfJobStatus
    from congress_office.services.pdf import pdf_job_start

    petition_accept(petition=petition, by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        job = pdf_job_start(report="petitions.acceptance_notice", user=clerk, params={"petition_id": str(petition.pk)})

    job = PdfJob.objects.get(pk=job.pk)
    assert job.status == PdfJobStatus.DONE, job.message
    assert job.file.read(5) == b"%PDF-"


def test_files_are_not_left_behind_when_registration_is_refused(client_for, clerk):
    client_for(clerk).post(CREATE, {**form_data(petitioner_name=""), "attachments": [png_upload()]})

    assert not Petition.objects.exists() and stored_files() == []
