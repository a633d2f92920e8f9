"""档号 (DA/T 22-2015): the format, gapless per 全宗, year, retention and 机构 also under concurrent
runs, one item per record, the retention table (a kind never laxer than its class), corrections
that keep the old 档号 on record, and the auditor's right to archive."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from congress_office.models import ArchiveCodeChange, ArchiveItem, Fonds, RetentionClass, RetentionRule
from congress_office.registries import ArchiveEntry, ArchiveSection, archive_sections
from congress_office.roles import Role
from congress_office.services.archive import archive_assign, archive_code, archive_code_correct
from congress_office.services.archive_render import render_item

from ..factories import UnitFactory


@pytest.fixture
def fonds(township):
    return Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")


@pytest.fixture
def units_section(township):
    """A synthetic section: the township's units become items (records of a model the core owns)."""

    def entries(t, year):
        from congress_office.models import Unit

        for unit in Unit.objects.filter(township=t).order_by("pk"):
            yield ArchiveEntry(
                record=unit, title=f"{unit.name}年度工作总结", responsible=unit.name, date=date(year, 12, 1)
            )

    key = "tests.units"
    archive_sections.register(key, ArchiveSection(key, "测试", "records", "D10", entries))
    yield key
    archive_sections.unregister(key)


def test_the_format(fonds):
    assert archive_code("0123", 2026, "Y", "BGS", 1) == "0123-WS·2026-Y-BGS-0001"
    assert archive_code("0123", 2026, "D30", "BGS", 12) == "0123-WS·2026-D30-BGS-0012"


def test_items_are_numbered_gapless_once_per_record(fonds, township, users, units_section):
    auditor = users[Role.AUDITOR]
    for n in range(3):
        UnitFactory(township=township, name=f"单位{n}")
    first = [i for i in archive_assign(township=township, year=2026, by=auditor) if i.kind == units_section]
    assert [i.code for i in first][-3:] == [
        f"0123-WS·2026-D10-BGS-{n:04d}" for n in range(len(first) - 2, len(first) + 1)
    ]
    assert [i.sequence for i in first] == list(range(1, len(first) + 1))
    assert archive_assign(township=township, year=2026, by=auditor) == []  # nothing twice
    UnitFactory(township=township, name="新单位")
    again = archive_assign(township=township, year=2026, by=auditor)
    assert [i.sequence for i in again] == [len(first) + 1]


def test_the_retention_table_never_laxer_than_its_class(fonds, township, users, units_section):
    records = RetentionClass.objects.get(code="records")
    rule = RetentionRule(kind=units_section, name="测试", retention_class=records, period="D10")
    rule.full_clean()
    rule.save()
    records.period = "D30"
    records.save()
    with pytest.raises(ValidationError, match="不能短于所属类别"):
        rule.full_clean()
    UnitFactory(township=township, name="单位甲")
    items = archive_assign(township=township, year=2026, by=users[Role.AUDITOR])
    assert {i.retention for i in items if i.kind == units_section} == {"D30"}  # the class wins


def test_a_correction_keeps_the_old_code_on_record(fonds, township, users, units_section):
    UnitFactory(township=township, name="单位甲")
    item = next(
        i for i in archive_assign(township=township, year=2026, by=users[Role.AUDITOR]) if i.kind == units_section
    )
    old = item.code
    assert render_item(item) and stamp_text(item).splitlines()[-1] == "BGS 10年 1"  # the stamp's lower row
    with pytest.raises(ValidationError, match="理由"):
        archive_code_correct(item=item, by=users[Role.AUDITOR], reason=" ", retention="Y")
    archive_code_correct(item=item, by=users[Role.AUDITOR], reason="属于重要文件，应永久保存", retention="Y")
    item.refresh_from_db()
    assert item.code.startswith("0123-WS·2026-Y-BGS-") and ArchiveCodeChange.objects.get(item=item).old_code == old
    # the stored copy's 归档章 showed the old code: the item is rendered again, with the new one
    assert item.rendered_at is None and not item.files.exists()
    assert render_item(item) and stamp_text(item).splitlines()[-1] == "BGS 永久 1"
    assert item.code in stamp_text(item)


def stamp_text(item):
    import io

    from pypdf import PdfReader

    with item.files.get(position=1).file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()


def test_who_may_archive(fonds, township, users, other_township, make_user):
    with pytest.raises(PermissionDenied):
        archive_assign(township=township, year=2026, by=users[Role.DEPUTY])
    with pytest.raises(PermissionDenied):
        archive_assign(township=township, year=2026, by=make_user(Role.AUDITOR, other_township, username="a2"))
    with pytest.raises(ValidationError, match="全宗号"):
        archive_assign(township=other_township, year=2026, by=make_user(Role.AUDITOR, other_township, username="a3"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_neither_skip_nor_repeat_a_number(township, make_user, units_section):
    Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    for n in range(12):
        UnitFactory(township=township, name=f"单位{n}")
    auditors = [make_user(Role.AUDITOR, township, username=f"aud{n}") for n in range(2)]
    errors = []

    def run(user):
        try:
            archive_assign(township=township, year=2026, by=user)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in auditors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    sequences = sorted(ArchiveItem.objects.filter(kind=units_section).values_list("sequence", flat=True))
    assert sequences == list(range(1, 13))
