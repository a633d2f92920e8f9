"""The 代表履职档案 archive section: one item per deputy who served in the year (not a deputy
whose mandate ended before it, nor another township's), dated the year's end (today while it
runs), its one part the deputy's 履职档案 PDF of that year."""

import io
from datetime import date

from django.utils import timezone
from pypdf import PdfReader

from congress_office.models import ArchiveItem, Fonds
from congress_office.registries import archive_sections
from congress_office.roles import Role
from congress_office.services.archive import archive_assign
from deputies.choices import DeputyStatus

from .factories import DeputyFactory, TermFactory

KIND = "deputies.record"


def squash(text):
    return "".join(text.split())


def test_the_deputies_who_served_in_the_year_and_their_record(township, deputy, other_deputy, users):
    today = timezone.localdate()
    previous = TermFactory(township=township, number=18, start_date=date(2021, 1, 5), end_date=date(2026, 1, 5))
    left = DeputyFactory(
        term=previous,
        name="李春生",
        status=DeputyStatus.TERMINATED,
        status_reason="迁出本行政区域",
        status_date=date(2023, 6, 1),
    )
    section = archive_sections[KIND]
    assert (section.retention_class, section.period, section.org_code) == ("records", "D10", "BGS")

    this_year = list(section.entries(township, today.year))
    assert [e.record.pk for e in this_year] == [deputy.pk]  # 李春生 left in 2023, 吴德明 is of 白水乡
    entry = this_year[0]
    assert entry.title == f"张桂兰{today.year}年度履职档案"
    assert entry.responsible == "青山镇人民代表大会主席团"
    assert entry.date == min(date(today.year, 12, 31), today)
    (old,) = section.entries(township, 2022)
    assert (old.record.pk, old.title, old.date) == (left.pk, "李春生2022年度履职档案", date(2022, 12, 31))
    assert list(section.entries(township, today.year + 1)) == []

    auditor = users[Role.AUDITOR]
    Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    archive_assign(township=township, year=today.year, by=auditor)
    item = ArchiveItem.objects.get(kind=KIND)
    assert (item.item_id, item.retention, item.code) == (deputy.pk, "D10", f"0123-WS·{today.year}-D10-BGS-0001")

    parts = section.parts(item.record, auditor, item=item)
    assert [(str(p.title), p.ext) for p in parts] == [(f"张桂兰{today.year}年度履职档案", "pdf")]
    data = parts[0].render()
    assert data.startswith(b"%PDF-")
    first = squash(PdfReader(io.BytesIO(data)).pages[0].extract_text())
    assert "履职档案" in first and "张桂兰" in first and f"{today.year}年度" in first

    # every year a deputy served is its own item
    archive_assign(township=township, year=2022, by=auditor)
    archive_assign(township=township, year=2023, by=auditor)
    years = sorted(ArchiveItem.objects.filter(kind=KIND, item_id=left.pk).values_list("year", flat=True))
    assert years == [2022, 2023]
