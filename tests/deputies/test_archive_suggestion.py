"""The suggestions' archive section: one item per suggestion finished (closed) in the year, its
file the 代表建议档案 (the suggestion, its deputies, the assignment, each answer with its unit
and date, each rating)."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from congress_office.cases import Satisfaction
from congress_office.registries import archive_sections
from congress_office.roles import Role
from deputies.suggestions import services
from deputies.suggestions.models import Suggestion, SuggestionState

from .factories import DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db

TITLE = "关于修缮东风村至石桥村村道的建议"
CONTENT = "村道多处破损，雨天积水，建议纳入年度修缮计划。"
ANSWER = "已列入明年修缮计划，春节前完成路面修补。"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def squash(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data, page=None):
    pages = PdfReader(io.BytesIO(data)).pages
    chosen = pages if page is None else [pages[page]]
    return squash("".join(p.extract_text() for p in chosen))


def section():
    return archive_sections["deputies.suggestion"]


@pytest.fixture
def deputy_b(term, township, make_user):
    """A co-signer with an account."""
    return DeputyFactory(term=term, name="李秀梅", user=make_user(Role.DEPUTY, township, username="deputy_b"))


def submit(by, term, *, co=(), title=TITLE):
    return services.suggestion_submit(by=by, term=term, title=title, content=CONTENT, co_signers=co)


def answer(suggestion, clerk, unit, handler, deputies, content=ANSWER):
    services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=clerk)
    services.consultation_record(
        suggestion=suggestion,
        by=handler,
        held_on=timezone.localdate(),
        method="in_person",
        unit_people="张明（所长）",
        deputies=deputies,
        summary="当面听取代表意见，商定了办理方案。",
    )
    services.suggestion_reply(suggestion=suggestion, by=handler, category="A", content=content)


def rate(suggestion, deputy, satisfaction=Satisfaction.SATISFIED, comment=""):
    services.suggestion_rate(
        suggestion=suggestion, deputy=deputy, satisfaction=satisfaction, by=deputy.user, comment=comment
    )


def close_on(suggestion, when):
    Suggestion.objects.filter(pk=suggestion.pk).update(closed_at=when)
    suggestion.refresh_from_db()


@pytest.fixture
def closed(deputy_user, deputy, deputy_b, term, clerk, unit, users):
    """张桂兰's suggestion co-signed by 李秀梅, answered by 自然资源所 (A), rated by both: closed."""
    suggestion = submit(deputy_user, term, co=[deputy_b])
    answer(suggestion, clerk, unit, users[Role.UNIT_HANDLER], [deputy, deputy_b])
    rate(suggestion, deputy, comment="办得好")
    rate(suggestion, deputy_b, Satisfaction.BASICALLY)
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.CLOSED
    close_on(suggestion, datetime(2026, 6, 30, 9, 0, tzinfo=SHANGHAI))
    return suggestion


def test_the_section_is_registered_as_cases_d30():
    s = section()
    assert (str(s.name), s.retention_class, s.period, s.org_code) == ("代表建议", "cases", "D30", "BGS")


def test_entries_are_the_suggestions_finished_in_the_year(
    closed, deputy_user, deputy, term, clerk, unit, users, other_township, make_user
):
    """Closed in 2026 is an item; closed in 2025, answered but not yet rated, only assigned,
    and another township's are not."""
    handler = users[Role.UNIT_HANDLER]
    last_year = submit(deputy_user, term, title="去年办结的建议")
    answer(last_year, clerk, unit, handler, [deputy])
    rate(last_year, deputy)
    close_on(last_year, datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI))
    awaiting = submit(deputy_user, term, title="待评价的建议")
    answer(awaiting, clerk, unit, handler, [deputy])
    assigned = submit(deputy_user, term, title="正在办理的建议")
    services.suggestion_assign(suggestion=assigned, lead_unit=unit, by=clerk)
    other_term = TermFactory(township=other_township)
    other_user = make_user(Role.DEPUTY, other_township, username="bs_deputy")
    DeputyFactory(term=other_term, name="吴德明", user=other_user)
    submit(other_user, other_term, title="外乡镇的建议")

    entries = list(section().entries(closed.township, 2026))

    assert [e.record.pk for e in entries] == [closed.pk]
    entry = entries[0]
    assert (entry.title, entry.number, entry.date) == (TITLE, "建议〔2026〕1号", datetime(2026, 6, 30).date())
    assert entry.responsible == "青山镇自然资源所"
    assert [e.record.pk for e in section().entries(closed.township, 2025)] == [last_year.pk]
    assert list(section().entries(other_township, 2026)) == []


def test_the_archive_file_holds_the_suggestion_its_answers_and_ratings(closed, users):
    parts = section().parts(closed, users[Role.AUDITOR])

    assert [(p.title, p.ext) for p in parts] == [("代表建议档案", "pdf")]
    data = parts[0].render()
    assert data.startswith(b"%PDF-")
    first = pdf_text(data, page=0)
    assert "代表建议档案" in first and squash(str(closed.number)) in first and TITLE in first
    text = pdf_text(data)
    for word in (
        CONTENT,
        "张桂兰",
        "领衔",
        "李秀梅",
        "联名",
        "自然资源所",
        "主办",
        "当面听取代表意见",
        ANSWER,
        "A类：已经解决或者基本解决",
        timezone.localdate().strftime("%Y年%-m月%-d日"),
        "满意",
        "基本满意",
        "办得好",
        "办理过程",
    ):
        assert squash(word) in text, word
