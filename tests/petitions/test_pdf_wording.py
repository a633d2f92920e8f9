# ruff: noqa: F811  (the fixtures imported from handling_fixtures are redefined as arguments)
"""Issue 14, item 9, on the petitions' letters, asserted on the text extracted from the PDFs so
the defects stay fixed: the 受理告知书 addresses the petitioner by name (a person), by the unit's
name (a unit's petition) or as a group, never "你（单位）"; the 督办单's number carries the
机关代字 and its 版记 never stands alone on a page of its own."""

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from pypdf import PdfReader

from congress_office.models import CaseSupervision
from congress_office.pdf import render_pdf
from congress_office.registries import pdf_reports
from petitions.services.handling import leader_take_ownership, petition_supervise
from petitions.services.registration import petition_accept

from .factories import register_petition
from .handling_fixtures import (  # noqa: F401 (fixtures)
    accepted,
    assigned,
    co_handler,
    co_unit,
    lead_handler,
)


def pages_text(data):
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def render_report(key, user, **params):
    """The PDF of a registered report as the job renders it (context builder, template)."""
    spec = pdf_reports[key]
    job = SimpleNamespace(owner=user, params={name: str(value) for name, value in params.items()})
    context = spec.build_context(job, lambda *args: None)
    return render_pdf(spec.template, {**context, "title": str(spec.title)})


# --- 受理告知书 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, addressee, you",
    [
        ({}, "王大山：", "你于"),
        ({"organisation": "青石村村民委员会"}, "青石村村民委员会：", "你单位于"),
        ({"is_group": True, "headcount": 12, "representatives": ["王大山", "李四"]}, "王大山等12人：", "你们于"),
    ],
)
def test_the_acceptance_notice_addresses_the_petitioner_properly(township, clerk, who, addressee, you):
    petition = register_petition(township=township, by=clerk, **who)
    petition_accept(petition=petition, by=clerk)

    (text,) = pages_text(render_report("petitions.acceptance_notice", clerk, petition_id=petition.pk))

    assert "受理告知书" in text and addressee in text and you in text
    assert "你（单位）" not in text and "你(单位)" not in text
    assert f"书面答复{you[:-1]}；" in text  # the second paragraph says "you" the same way


# --- 督办单 -----------------------------------------------------------------------------------


def test_a_typical_supervision_notice_fits_on_one_page_with_its_number(assigned, chair):
    """A leader in charge, a date for the feedback and an opinion of a few lines: one page,
    版记 included."""
    leader_take_ownership(petition=assigned, by=chair)
    supervision, _job = petition_supervise(
        petition=assigned,
        by=chair,
        content="该事项群众反映强烈，已超过办理期限。请主办单位主要负责人亲自过问，"
        "会同城建办逐户核实补偿款发放情况，于一周内报送办理进展，办结后及时书面答复信访人。",
        reply_by=timezone.localdate() + timedelta(days=7),
    )

    pages = pages_text(render_report("petitions.supervision_notice", chair, supervision_id=supervision.pk))

    assert len(pages) == 1
    year = supervision.year
    assert f"青人督〔{year}〕1号" in pages[0] and "督办〔" not in pages[0]
    assert "抄送：青山镇人大办公室" in pages[0] and "印发" in pages[0]


def test_a_long_notice_carries_its_last_paragraph_and_signature_with_the_banji(assigned, chair):
    """A supervision opinion long enough to need a second page: the 版记 (抄送, 印发) is on the
    last page together with the closing paragraph and the signature, never alone."""
    content = "\n".join(
        f"{n}. 经查，该村征地补偿款发放过程中存在台账不清、公示不到位等问题，请逐项核实并报送整改情况。"
        for n in range(1, 13)
    )
    supervision, _job = petition_supervise(petition=assigned, by=chair, content=content)

    pages = pages_text(render_report("petitions.supervision_notice", chair, supervision_id=supervision.pk))

    assert len(pages) >= 2
    last = pages[-1]
    assert "抄送：青山镇人大办公室" in last and "印发" in last
    assert "书面报送青山镇人大主席团。" in last and "（盖章）" in last
    assert all("抄送：" not in page for page in pages[:-1])


def test_the_number_uses_the_township_name_without_an_agency_code(township):
    township.agency_code = ""
    assert CaseSupervision.code_for(township) == "青人督"
    assert str(CaseSupervision(year=2026, sequence=3, code="青人督").number) == "青人督〔2026〕3号"
    assert str(CaseSupervision(year=2026, sequence=3).number) == "督办〔2026〕3号"  # a row without its code
