"""The archive items of the meetings app: one per meeting closed in the year, its one part the
session dossier (会议档案), the same PDF the dossier job prints."""

import io

from pypdf import PdfReader

from congress_office.registries import archive_sections
from congress_office.roles import Role
from meetings import services as svc
from meetings.choices import MeetingKind, VoteMethod

from .conftest import opened, today_at

KIND = "meetings.meeting"


def squash(text):
    return "".join(text.split())


def test_a_closed_meeting_is_an_item_whose_part_is_its_dossier(session, township, clerk, deputies, users):
    session = opened(session, clerk, deputies)
    vote = svc.vote_open(meeting=session, by=clerk, title="审查和批准2027年镇财政预算", method=VoteMethod.HANDS)
    svc.vote_close(vote=vote, by=clerk, yes=6, no=0, abstain=0)
    svc.meeting_close(meeting=session, by=clerk, minutes="会议审议通过了2027年镇财政预算。")
    planned = svc.meeting_plan(township=township, by=clerk, kind=MeetingKind.SESSION, starts_at=today_at(15))

    section = archive_sections[KIND]
    entries = list(section.entries(township, session.year))
    assert [e.record.pk for e in entries] == [session.pk] and planned.pk not in [e.record.pk for e in entries]
    assert entries[0].title == "青山镇第十九届人民代表大会第一次会议会议档案"
    assert list(section.entries(township, session.year - 1)) == []

    parts = section.parts(session, users[Role.AUDITOR])
    assert [(str(p.title), p.ext) for p in parts] == [("会议档案", "pdf")]
    data = parts[0].render()
    assert data.startswith(b"%PDF-")
    first = squash(PdfReader(io.BytesIO(data)).pages[0].extract_text())
    assert "青山镇第十九届人民代表大会第一次会议" in first and "会议档案" in first
    everything = squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert "审查和批准2027年镇财政预算" in everything and "会议审议通过了2027年镇财政预算" in everything
