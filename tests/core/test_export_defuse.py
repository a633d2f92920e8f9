"""Formula-like text in every .xlsx export is kept as text (issue 13, item 8; OWASP CSV
injection): a cell whose text starts with = + - @, a tab or a carriage return is written with a
"'" first, never as a formula, numbers stay numbers; the register import reads its own export back
as it was.

One test per export the project writes: the petition list, the register of deputies, the incoming
and the outgoing registers, the archive catalogue (归档文件目录) and the petition statistics. Each
writes records whose texts are the payloads below, downloads the file through its page and opens
it with openpyxl. (The project writes no .csv: the register's .csv is read by the import only.)"""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from congress_office.models import Fonds, OrgCode
from congress_office.registries import ArchiveEntry, ArchiveSection, archive_sections
from congress_office.roles import Role
from congress_office.services.archive import archive_assign
from congress_office.xlsx import FORMULA_PREFIXES, defuse, undefuse
from deputies.models import Deputy
from deputies.services.register_io import deputies_export_xlsx, read_table
from documents.choices import DocType
from documents.models import IncomingDocument, IssuingBody, OutgoingDocument
from documents.services.incoming import incoming_receive
from documents.services.outgoing import outgoing_create

from ..deputies.factories import DeputyFactory, DistrictFactory, TermFactory
from ..factories import UnitFactory
from ..petitions.factories import register_petition

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t制表符开头", "\r回车开头"]
YEAR = 2026


def cells_of(content):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_defused(content, stored=PAYLOADS):
    """No formula cell; no text cell starting as a formula; each of the `stored` texts (the
    payloads as the records hold them: a service may strip a tab or a carriage return first)
    written with a "'" first when it starts as a formula."""
    cells = cells_of(content)
    assert cells, "an empty workbook"
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert [t for t in texts if t.startswith(FORMULA_PREFIXES)] == []
    for text in stored:
        assert ("'" + text if text.startswith(FORMULA_PREFIXES) else text) in texts, repr(text)
    assert any(text.startswith(("=", "+", "-", "@")) for text in stored)  # the test writes formulas
    return cells


def download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return response.getvalue()


def test_defuse_keeps_numbers_and_plain_text_and_undefuse_gives_back_exactly_what_was_written():
    assert defuse(-2) == -2 and defuse(3.5) == 3.5 and defuse(None) is None
    assert defuse("村道损毁") == "村道损毁" and defuse("'引号开头") == "'引号开头"
    for text in [*PAYLOADS, "'=A1", "''+1", "'", ""]:
        assert undefuse(defuse(text)) == text, repr(text)
    assert defuse("'=A1") == "''=A1"  # already behind a "'": one more, so the import strips only ours


def test_the_petition_list_export(client_for, clerk, township):
    for payload in PAYLOADS:
        register_petition(township=township, by=clerk, title=payload, address=payload)

    content = download(client_for(clerk), reverse("petitions:petition_export"))

    cells = assert_defused(content)
    assert any(c.value == "'" + PAYLOADS[0] and c.column == 7 for c in cells)  # 信访事由


def test_the_deputy_register_export_and_its_import_reads_the_texts_back(client_for, clerk, township):
    term = TermFactory(township=township)
    district = DistrictFactory(term=term, name="东风村选区", seats=3)
    for index, payload in enumerate(PAYLOADS):
        DeputyFactory(term=term, district=district, name=f"代表{index}", occupation=payload, work_unit=payload)

    content = download(client_for(clerk), reverse("deputies:deputy_export"))

    assert_defused(content)
    rows = read_table(SimpleUploadedFile("导出.xlsx", deputies_export_xlsx(Deputy.objects.filter(term=term))))
    read_back = {row["姓名"]: (row["职业"], row["工作单位及职务"]) for row in rows}
    # the formula-like texts come back exactly as they were, without the "'" the export put first
    assert read_back == {f"代表{i}": (p, p) for i, p in enumerate(PAYLOADS)}


def test_the_incoming_register_export(client_for, clerk, township):
    for payload in PAYLOADS:
        incoming_receive(township=township, by=clerk, sender=payload, title=payload)
    stored = [text for d in IncomingDocument.objects.all() for text in (d.sender, d.title)]

    assert_defused(download(client_for(clerk), reverse("documents:incoming_export")), stored)


def test_the_outgoing_register_export(client_for, clerk, township):
    body = IssuingBody.objects.create(township=township, name="青山镇人民代表大会主席团", code="青人")
    for payload in PAYLOADS:
        outgoing_create(
            township=township,
            by=clerk,
            issuing_body=body,
            doc_type=DocType.NOTICE,
            title=payload,
            body="正文",
            main_recipients=payload,
        )

    stored = [text for d in OutgoingDocument.objects.all() for text in (d.title, d.main_recipients)]

    assert_defused(download(client_for(clerk), reverse("documents:outgoing_export")), stored)


@pytest.fixture
def formula_section(township):
    """Units become archive items whose 题名, 责任者 and 文号 are the payloads."""

    def entries(t, year):
        from congress_office.models import Unit

        for unit, payload in zip(Unit.objects.filter(township=t).order_by("pk"), PAYLOADS, strict=False):
            yield ArchiveEntry(record=unit, title=payload, responsible=payload, number=payload, date=date(year, 3, 5))

    key = "tests.formulas"
    archive_sections.register(key, ArchiveSection(key, "测试", "records", "D10", entries))
    yield key
    archive_sections.unregister(key)


def test_the_archive_catalogue(client_for, users, township, formula_section):
    OrgCode.objects.create(township=township, code="BGS", name="办公室")
    Fonds.objects.create(township=township, code="0123", name="青山镇人民代表大会")
    for index in range(len(PAYLOADS)):
        UnitFactory(township=township, name=f"单位{index}")
    auditor = users[Role.AUDITOR]
    archive_assign(township=township, year=YEAR, by=auditor)

    url = reverse("core:archive_catalogue", args=[YEAR, "D10", "BGS", "xlsx"])
    assert_defused(download(client_for(auditor), url))


def test_the_petition_statistics_export(client_for, clerk, township):
    for payload in PAYLOADS:
        register_petition(township=township, by=clerk, subject_name=payload)

    content = download(client_for(clerk), reverse("petitions:stats_export"), {"year": str(YEAR)})

    cells = assert_defused(content)  # the subjects' names in the 按事项分类 sheet
    assert any(isinstance(c.value, int) and c.value == len(PAYLOADS) for c in cells)  # numbers stay numbers
