"""Import of the register from .xlsx / .csv (preview, Chinese row errors, all or nothing) and
export of a filtered list to .xlsx, through the services and through the pages."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from congress_office.roles import Role
from deputies.choices import Affiliation, DeputyStatus, Gender, Position
from deputies.models import Deputy, DeputyGroup, District
from deputies.services.register_io import (
    COLUMNS,
    EXPORT_EXTRA,
    deputies_export_xlsx,
    read_table,
    register_import,
    register_preview,
)
from deputies.views.register import IMPORT_SESSION_KEY
from tests.factories import TownshipFactory

from .factories import DeputyFactory, DeputyGroupFactory, DistrictFactory, TermFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "政治面貌",
    "职业",
    "工作单位及职务",
    "联系电话",
    "选区",
    "代表小组",
    "主席团成员",
    "职务",
]
ROWS = [
    [
        "李春华",
        "女",
        "汉族",
        date(1972, 4, 18),
        "中共党员",
        "村干部",
        "东风村党支部书记",
        13800000001,
        "东风村选区",
        "东风片代表小组",
        "是",
        "主席",
    ],
    [
        "陈立",
        "男",
        "回族",
        "1981/09/02",
        "群众",
        "个体户",
        "陈记农资店",
        "13800000002",
        "东风村选区",
        "东风片代表小组",
        "",
        "",
    ],
    ["周敏", "女", "", "1990-12-01", "", "教师", "青山镇中心小学", "", "西山村选区", "西山片代表小组", "否", ""],
]


@pytest.fixture(autouse=True)
def _chinese():
    """The messages are checked in Chinese: a request made in English by an earlier test leaves
    English active in this thread (LocaleMiddleware activates, nothing deactivates)."""
    with translation.override("zh-hans"):
        yield


def xlsx_upload(rows, header=HEADER, name="名册.xlsx", title=None):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def csv_upload(rows, header=HEADER, encoding="gbk", name="名册.csv"):
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding), content_type="text/csv")


def imported(term):
    return {d.name: d for d in Deputy.objects.filter(term=term).select_related("district", "group")}


# --- the services -------------------------------------------------------------------------------


def test_a_valid_xlsx_imports_every_row(township, term):
    rows = read_table(xlsx_upload(ROWS))
    preview = register_preview(rows=rows, township=township, term=term)
    assert preview.ok, [r.errors for r in preview.rows]
    assert preview.new_districts == ["东风村选区", "西山村选区"]
    assert preview.new_groups == ["东风片代表小组", "西山片代表小组"]
    assert register_import(rows=rows, township=township, term=term) == 3
    deputies = imported(term)
    assert set(deputies) == {"李春华", "陈立", "周敏"}
    li = deputies["李春华"]
    assert (li.gender, li.birth_date, li.affiliation, li.phone) == (
        Gender.FEMALE,
        date(1972, 4, 18),
        Affiliation.CPC,
        "13800000001",
    )
    assert li.is_presidium and li.position == Position.CHAIR and li.district.name == "东风村选区"
    assert deputies["陈立"].birth_date == date(1981, 9, 2) and deputies["陈立"].ethnicity == "回族"
    assert deputies["周敏"].ethnicity == "汉族" and deputies["周敏"].affiliation == Affiliation.NONE
    assert District.objects.get(term=term, name="东风村选区").seats == 2


def test_a_gbk_csv_imports_every_row(township, term):
    """Excel on Chinese Windows saves CSV as GBK: it is read as such."""
    rows = read_table(csv_upload([[str(v) if isinstance(v, date) else v for v in row] for row in ROWS]))
    assert register_import(rows=rows, township=township, term=term) == 3
    assert set(imported(term)) == {"李春华", "陈立", "周敏"}


def test_a_utf8_csv_with_bom_is_read_too(township, term):
    rows = read_table(csv_upload([ROWS[1]], encoding="utf-8-sig"))
    assert rows[0]["姓名"] == "陈立"


def test_one_bad_row_saves_nothing_and_names_the_row(township, term):
    bad = [*ROWS[:2], ["赵六", "未知", "", "1980-01-01", "", "", "", "", "东风村选区", "", "", ""]]
    rows = read_table(xlsx_upload(bad))
    preview = register_preview(rows=rows, township=township, term=term)
    assert not preview.ok
    assert [(r.line, r.errors) for r in preview.rows if r.errors] == [(4, ["性别应为“男”或“女”，而不是“未知”"])]
    with pytest.raises(ValidationError, match="未导入任何数据"):
        register_import(rows=rows, township=township, term=term)
    assert not Deputy.objects.exists() and not District.objects.exists() and not DeputyGroup.objects.exists()


def test_row_numbers_are_the_spreadsheets_despite_a_title_and_blank_rows(township, term):
    rows = read_table(
        xlsx_upload(
            [ROWS[0], [None] * 12, ["", "男", "", "", "", "", "", "", "东风村选区", "", "", ""]],
            title="青山镇第十九届人大代表名册",
        )
    )
    preview = register_preview(rows=rows, township=township, term=term)
    assert [(r.line, r.errors) for r in preview.rows] == [(3, []), (5, ["姓名不能为空"])]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["王五", "男", "", "1975-13-45", "", "", "", "", "东风村选区", "", "", ""], "出生日期“1975-13-45”无法识别"),
        (["王五", "男", "", "", "无党派人士", "", "", "", "东风村选区", "", "", ""], "政治面貌“无党派人士”无法识别"),
        (["王五", "男", "", "", "", "", "", "", "", "", "", ""], "选区不能为空"),
        (["王五", "男", "", "", "", "", "", "", "东风村选区", "", "", "主席"], "主席、副主席须为主席团成员"),
        (["王五", "男", "", "", "", "", "", "", "东风村选区", "", "", "书记"], "职务只能填“主席”或“副主席”"),
        (["王五", "男", "", "", "", "", "", "1" * 25, "东风村选区", "", "", ""], "联系电话过长"),
    ],
)
def test_each_row_error_is_in_chinese(township, term, row, message):
    preview = register_preview(rows=read_table(xlsx_upload([row])), township=township, term=term)
    assert any(message in e for e in preview.rows[0].errors), preview.rows[0].errors


def test_a_district_over_its_seats_and_duplicates_are_errors(township, term):
    DistrictFactory(term=term, name="东风村选区", seats=1)
    DeputyFactory(
        term=term, name="已在册", birth_date=date(1970, 1, 1), district=District.objects.get(name="东风村选区")
    )
    rows = read_table(
        xlsx_upload(
            [
                ["甲", "男", "", "", "", "", "", "", "东风村选区", "", "", ""],
                ["已在册", "男", "", "1970-01-01", "", "", "", "", "新村选区", "", "", ""],
                ["乙", "男", "", "1971-01-01", "", "", "", "", "新村选区", "", "", ""],
                ["乙", "男", "", "1971-01-01", "", "", "", "", "新村选区", "", "", ""],
                ["丙", "男", "", "", "", "", "", "", "新村选区", "", "", ""],
            ]
        )
    )
    errors = {r.line: r.errors for r in register_preview(rows=rows, township=township, term=term).rows}
    assert errors[2] == ["选区“东风村选区”应选 1 名，已超额"]
    assert errors[3] == ["“已在册”已在本届名册中"]
    assert errors[5] == ["与前面的行重复"]
    assert errors[6] == ["选区“新村选区”最多选出 3 名代表"]


def test_the_preview_reads_chinese_values_whatever_the_page_language(township, term):
    with translation.override("en"):
        preview = register_preview(rows=read_table(xlsx_upload([ROWS[0]])), township=township, term=term)
    assert preview.ok


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("名册.txt", b"hello"), "只能导入 .xlsx 或 .csv 文件。"),
        (SimpleUploadedFile("名册.xlsx", b"not a zip"), "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。"),
        (SimpleUploadedFile("名册.csv", b""), "文件是空的。"),
        (csv_upload([], header=["姓名", "性别"]), "缺少必填列：选区。"),
        (csv_upload([], header=["姓名", "性别", "选区", "身份证号"]), "无法识别的列：身份证号。"),
        (csv_upload([]), "文件只有表头，没有代表数据。"),
    ],
)
def test_a_wrong_file_gives_a_clear_message(upload, message):
    with pytest.raises(ValidationError) as error:
        read_table(upload)
    assert message in error.value.messages[0]


def test_an_export_can_be_imported_again(township, term, district, group):
    """Export uses the import's headers and Chinese values: the file goes round."""
    DeputyFactory(
        term=term, name="往返", district=district, group=group, is_presidium=True, position=Position.VICE_CHAIR
    )
    content = deputies_export_xlsx(Deputy.objects.filter(term=term))
    elsewhere = TermFactory(township=TownshipFactory(), number=1)
    rows = read_table(SimpleUploadedFile("导出.xlsx", content))
    assert register_import(rows=rows, township=elsewhere.township, term=elsewhere) == 1
    copy = Deputy.objects.get(term=elsewhere)
    assert (copy.name, copy.position, copy.group.name, copy.district.name) == (
        "往返",
        Position.VICE_CHAIR,
        group.name,
        district.name,
    )


# --- the pages ----------------------------------------------------------------------------------


def upload(client, file, term):
    return client.post(reverse("deputies:deputy_import"), {"term": term.pk, "file": file})


def test_upload_preview_confirm_imports_everything(client, clerk, term):
    client.force_login(clerk)
    response = upload(client, xlsx_upload(ROWS), term)
    assert response.status_code == 302 and response["Location"] == reverse("deputies:deputy_import_preview")
    response = client.get(reverse("deputies:deputy_import_preview"))
    assert response.context["preview"].ok
    text = response.text
    assert "全部检查通过" in text and "东风村选区、西山村选区" in text and "东风片代表小组、西山片代表小组" in text
    assert all(name in text for name in ("李春华", "陈立", "周敏"))
    assert not Deputy.objects.exists()  # the preview saves nothing
    response = client.post(reverse("deputies:deputy_import_confirm"))
    assert response.status_code == 302
    assert set(imported(term)) == {"李春华", "陈立", "周敏"}
    assert IMPORT_SESSION_KEY not in client.session
    assert "已导入 3 名代表。" in client.get(response["Location"]).text


def test_a_gbk_csv_through_the_pages(client, clerk, term):
    client.force_login(clerk)
    upload(client, csv_upload([[str(v) if isinstance(v, date) else v for v in row] for row in ROWS]), term)
    client.post(reverse("deputies:deputy_import_confirm"))
    assert len(imported(term)) == 3


def test_the_preview_shows_the_bad_rows_chinese_error_and_nothing_is_saved(client, clerk, term):
    client.force_login(clerk)
    bad = [ROWS[0], ["赵六", "男", "", "1980-02-30", "", "", "", "", "东风村选区", "", "", ""], ROWS[2]]
    upload(client, xlsx_upload(bad), term)
    response = client.get(reverse("deputies:deputy_import_preview"))
    text = response.text
    assert "发现 1 处错误" in text
    assert 'data-line="3"' in text and "出生日期“1980-02-30”无法识别，请写成 1975-03-08" in text
    assert 'data-testid="confirm-import"' not in text
    response = client.post(reverse("deputies:deputy_import_confirm"))  # forced anyway: refused
    assert response["Location"] == reverse("deputies:deputy_import_preview")
    assert "文件中有 1 处错误，未导入任何数据。" in client.get(response["Location"]).text
    assert not Deputy.objects.exists() and not District.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("名册.docx", b"PK\x03\x04"), "只能导入 .xlsx 或 .csv 文件。"),
        (csv_upload([ROWS[1]], header=["姓名", "性别", "民族"]), "缺少必填列：选区。"),
    ],
)
def test_a_wrong_file_is_refused_on_the_upload_form(client, clerk, term, file, message):
    client.force_login(clerk)
    response = upload(client, file, term)
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert IMPORT_SESSION_KEY not in client.session


def test_the_preview_without_an_upload_goes_back_to_the_upload(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("deputies:deputy_import_preview"))
    assert response["Location"] == reverse("deputies:deputy_import")


def test_an_upload_for_another_townships_term_is_refused(client, clerk, term, other_term):
    client.force_login(clerk)
    response = upload(client, xlsx_upload(ROWS), other_term)
    assert "term" in response.context["form"].errors


def test_the_template_has_the_import_headers(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("deputies:deputy_import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)


@pytest.mark.parametrize("role", [Role.CHAIR, Role.DEPUTY, Role.COUNTY])
def test_only_the_office_imports(client, users, role, term):
    client.force_login(users[role])
    assert upload(client, xlsx_upload(ROWS), term).status_code == 403
    assert client.post(reverse("deputies:deputy_import_confirm")).status_code == 403
    assert not Deputy.objects.exists()


# --- export -------------------------------------------------------------------------------------


@pytest.fixture
def register_rows(term, district, group):
    other_group = DeputyGroupFactory(term=term, name="西山片代表小组")
    west = DistrictFactory(term=term, name="西山村选区", seats=3)
    DeputyFactory(term=term, name="甲一", district=district, group=group, phone="13900000001")
    DeputyFactory(term=term, name="甲二", district=district, group=group, is_presidium=True, position=Position.CHAIR)
    DeputyFactory(
        term=term,
        name="甲三",
        district=district,
        group=group,
        status=DeputyStatus.TERMINATED,
        status_reason="迁出本行政区域",
        status_date=date(2026, 6, 1),
    )
    DeputyFactory(term=term, name="乙一", district=west, group=other_group)
    DeputyFactory(term=term, name="乙二", district=west, group=other_group)


def exported(client, params):
    response = client.get(reverse("deputies:deputy_export"), params)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_export_holds_exactly_the_filtered_rows_with_chinese_headers(client, clerk, register_rows, group):
    client.force_login(clerk)
    header, rows = exported(client, {"group": group.pk})
    assert list(header) == list(COLUMNS) + EXPORT_EXTRA
    assert sorted(r[0] for r in rows) == ["甲一", "甲二"]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_name["甲一"]["性别"] == "女" and by_name["甲一"]["联系电话"] == "13900000001"
    chair = by_name["甲二"]
    assert (chair["主席团成员"], chair["职务"], chair["状态"]) == ("是", "主席", "在任")
    assert by_name["甲一"]["出生日期"].date() == date(1975, 3, 8)


def test_the_export_follows_the_terminated_filter_and_search(client, clerk, register_rows, group):
    client.force_login(clerk)
    _header, rows = exported(client, {"group": group.pk, "include_terminated": "on"})
    assert sorted(r[0] for r in rows) == ["甲一", "甲三", "甲二"]
    terminated = next(r for r in rows if r[0] == "甲三")
    assert terminated[12:14] == ("代表资格终止", "迁出本行政区域")
    _header, rows = exported(client, {"q": "乙"})
    assert sorted(r[0] for r in rows) == ["乙一", "乙二"]


def test_the_export_is_in_chinese_in_the_english_ui(client, clerk, register_rows, group):
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    header, rows = exported(client, {"group": group.pk})
    assert header[1] == "性别" and {r[1] for r in rows} == {"女"}


def test_the_export_excludes_other_townships(client, clerk, register_rows, other_deputy):
    client.force_login(clerk)
    _header, rows = exported(client, {"include_terminated": "on"})
    assert "吴德明" not in {r[0] for r in rows} and len(rows) == 5
