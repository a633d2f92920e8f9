"""Import of the register from .xlsx / .csv (preview, Chinese row errors, all or nothing) and
export of a filtered list to .xlsx, through the services and through the pages."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from congress_office.roles import Role
from deputies.choices import Affiliation, DeputyStatus, Gender, Position
from deputies.forms.register import DeputyForm
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


# the names in ROWS the term does not have, ticked 新建 by the clerk
NEW = {"create_districts": ["东风村选区", "西山村选区"], "create_groups": ["东风片代表小组", "西山片代表小组"]}


def imported(term):
    return {d.name: d for d in Deputy.objects.filter(term=term).select_related("district", "group")}


# --- the services -------------------------------------------------------------------------------


def test_a_valid_xlsx_imports_every_row(township, term):
    rows = read_table(xlsx_upload(ROWS))
    preview = register_preview(rows=rows, township=township, term=term, **NEW)
    assert preview.ok, [r.errors for r in preview.rows]
    assert preview.new_districts == ["东风村选区", "西山村选区"]
    assert preview.new_groups == ["东风片代表小组", "西山片代表小组"]
    assert register_import(rows=rows, township=township, term=term, **NEW) == 3
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
    assert register_import(rows=rows, township=township, term=term, **NEW) == 3
    assert set(imported(term)) == {"李春华", "陈立", "周敏"}


def test_a_utf8_csv_with_bom_is_read_too(township, term):
    rows = read_table(csv_upload([ROWS[1]], encoding="utf-8-sig"))
    assert rows[0]["姓名"] == "陈立"


def test_one_bad_row_saves_nothing_and_names_the_row(township, term):
    bad = [*ROWS[:2], ["赵六", "未知", "", "1980-01-01", "", "", "", "", "东风村选区", "", "", ""]]
    rows = read_table(xlsx_upload(bad))
    preview = register_preview(rows=rows, township=township, term=term, **NEW)
    assert not preview.ok
    assert [(r.line, r.errors) for r in preview.rows if r.errors] == [(4, ["性别应为“男”或“女”，而不是“未知”"])]
    with pytest.raises(ValidationError, match="未导入任何数据"):
        register_import(rows=rows, township=township, term=term, **NEW)
    assert not Deputy.objects.exists() and not District.objects.exists() and not DeputyGroup.objects.exists()


def test_row_numbers_are_the_spreadsheets_despite_a_title_and_blank_rows(township, term):
    rows = read_table(
        xlsx_upload(
            [ROWS[0], [None] * 12, ["", "男", "", "", "", "", "", "", "东风村选区", "", "", ""]],
            title="青山镇第十九届人大代表名册",
        )
    )
    preview = register_preview(rows=rows, township=township, term=term, **NEW)
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
    preview = register_preview(rows=rows, township=township, term=term, create_districts=["新村选区"])
    errors = {r.line: r.errors for r in preview.rows}
    assert errors[2] == ["选区“东风村选区”应选 1 名，已超额"]
    assert errors[3] == ["“已在册”已在本届名册中"]
    assert errors[5] == ["与前面的行重复"]
    assert errors[6] == ["选区“新村选区”最多选出 3 名代表"]


def test_the_preview_reads_chinese_values_whatever_the_page_language(township, term):
    with translation.override("en"):
        preview = register_preview(rows=read_table(xlsx_upload([ROWS[0]])), township=township, term=term, **NEW)
    assert preview.ok


# --- the same rules as the single-deputy form ---------------------------------------------------


def one_row(**cells):
    """A valid row of the import (columns as HEADER) with some cells replaced."""
    row = dict(zip(HEADER, ["王五", "男", "", "", "", "", "", "", "东风村选区", "", "", ""], strict=True))
    row.update(cells)
    return [row[h] for h in HEADER]


def single_form_errors(clerk, term, district, **data):
    """The single-deputy form's errors for a deputy with the given fields."""
    values = {"name": "王五", "gender": "M", "ethnicity": "汉族", "affiliation": "mass", "term": term.pk}
    values["district"] = district.pk
    return DeputyForm({**values, **data}, user=clerk).errors


FUTURE = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("cells", "field", "data", "message"),
    [
        ({"出生日期": FUTURE}, "birth_date", {"birth_date": FUTURE}, f"出生日期“{FUTURE}”：出生日期不能晚于今天。"),
        (
            {"政治面貌": "党员"},
            "affiliation",
            {"affiliation": "党员"},
            "政治面貌“党员”无法识别，可填：中共党员、中共预备党员、共青团员、民主党派、群众（是否为“中共党员”？）",
        ),
        (
            {"联系电话": "12345"},
            "phone",
            {"phone": "12345"},
            "联系电话“12345”：请填写正确的电话号码，如 13800000000 或 0571-88886666。",
        ),
        (
            {"主席团成员": "", "职务": "主席"},
            "position",
            {"position": "chair"},
            "职务“主席”：主席、副主席须为主席团成员。",
        ),
    ],
)
def test_a_row_is_refused_exactly_when_the_single_deputy_form_refuses_it(
    township, term, district, clerk, cells, field, data, message
):
    """The import checks each row with the single-deputy form: what the form refuses, the
    preview refuses, with a Chinese message naming the column and the value."""
    assert field in single_form_errors(clerk, term, district, **data)
    preview = register_preview(rows=read_table(xlsx_upload([one_row(**cells)])), township=township, term=term)
    assert preview.rows[0].errors == [message]
    with pytest.raises(ValidationError, match="未导入任何数据"):
        register_import(rows=read_table(xlsx_upload([one_row(**cells)])), township=township, term=term)
    assert not Deputy.objects.exists()


def test_the_valid_row_passes_both_the_single_form_and_the_import(township, term, district, clerk):
    assert not single_form_errors(clerk, term, district)
    preview = register_preview(rows=read_table(xlsx_upload([one_row()])), township=township, term=term)
    assert preview.ok, preview.rows[0].errors


@pytest.mark.parametrize(
    ("cells", "kind", "suggestion"),
    [
        ({"选区": "东风村选去"}, "选区", "东风村选区"),
        ({"代表小组": "东风片代表小祖"}, "代表小组", "东风片代表小组"),
    ],
)
def test_a_misspelt_district_or_group_is_an_error_suggesting_the_existing_name(
    township, term, district, group, cells, kind, suggestion
):
    rows = read_table(xlsx_upload([one_row(**cells)]))
    preview = register_preview(rows=rows, township=township, term=term)
    typo = next(iter(cells.values()))
    assert preview.rows[0].errors == [
        f"本届没有{kind}“{typo}”（是否为“{suggestion}”？）。请改正文件，或确为新{kind}的，在上方勾选“新建”。"
    ]
    unknown = [*preview.unknown_districts, *preview.unknown_groups]
    assert [(u.name, u.lines, u.suggestions, u.create) for u in unknown] == [(typo, [2], [suggestion], False)]
    assert preview.new_districts == [] and preview.new_groups == []
    assert preview.can_confirm and not preview.ok
    with pytest.raises(ValidationError, match="文件中有 1 处错误，未导入任何数据。"):
        register_import(rows=rows, township=township, term=term)
    assert not Deputy.objects.exists()
    assert set(District.objects.values_list("name", flat=True)) == {district.name}
    assert set(DeputyGroup.objects.values_list("name", flat=True)) == {group.name}


def test_an_unknown_name_without_a_close_one_says_so_without_a_suggestion(township, term, district):
    preview = register_preview(rows=read_table(xlsx_upload([one_row(选区="金山村选区")])), township=township, term=term)
    assert preview.rows[0].errors == ["本届没有选区“金山村选区”。请改正文件，或确为新选区的，在上方勾选“新建”。"]
    assert preview.unknown_districts[0].suggestions == []


def test_only_the_ticked_names_are_created_and_one_unticked_saves_nothing(township, term):
    rows = read_table(xlsx_upload(ROWS))
    half = {"create_districts": NEW["create_districts"], "create_groups": ["东风片代表小组"]}
    preview = register_preview(rows=rows, township=township, term=term, **half)
    assert [r.line for r in preview.rows if r.errors] == [4]  # 周敏's group 西山片代表小组 is not ticked
    assert preview.new_districts == NEW["create_districts"] and preview.new_groups == ["东风片代表小组"]
    with pytest.raises(ValidationError, match="未导入任何数据"):
        register_import(rows=rows, township=township, term=term, **half)
    assert not Deputy.objects.exists() and not District.objects.exists() and not DeputyGroup.objects.exists()
    assert register_import(rows=rows, township=township, term=term, **NEW) == 3
    assert set(District.objects.values_list("name", flat=True)) == set(NEW["create_districts"])


def test_ticking_a_name_the_term_has_or_the_file_lacks_creates_nothing(township, term, district):
    rows = read_table(xlsx_upload([one_row()]))
    ticks = {"create_districts": [district.name, "不存在的选区"], "create_groups": ["不相干的小组"]}
    assert register_import(rows=rows, township=township, term=term, **ticks) == 1
    assert list(District.objects.values_list("name", flat=True)) == [district.name]
    assert not DeputyGroup.objects.exists()


def test_a_new_group_smaller_than_the_minimum_is_a_warning_not_an_error(township, term):
    preview = register_preview(rows=read_table(xlsx_upload(ROWS)), township=township, term=term, **NEW)
    assert preview.ok
    assert preview.warnings == [
        "代表小组“东风片代表小组”在本届尚无，文件中只有 2 名代表，代表小组至少应有 3 名代表。",
        "代表小组“西山片代表小组”在本届尚无，文件中只有 1 名代表，代表小组至少应有 3 名代表。",
    ]


def test_the_preview_takes_a_few_queries_whatever_the_number_of_rows(
    township, term, district, group, django_assert_max_num_queries
):
    rows = read_table(
        xlsx_upload([one_row(姓名=f"代表{i}", 选区=f"选区{i // 3}", 代表小组=group.name) for i in range(60)])
    )
    with django_assert_max_num_queries(3):
        preview = register_preview(rows=rows, township=township, term=term)
    assert len(preview.unknown_districts) == 20


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("名册.txt", b"hello"), "只能导入 .xlsx 或 .csv 文件。"),
        (SimpleUploadedFile("名册.xlsx", b"not a zip"), "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。"),
        (SimpleUploadedFile("名册.csv", b""), "文件是空的。"),
        (csv_upload([], header=["姓名", "性别"]), "缺少必填列：选区。"),
        (csv_upload([], header=["姓名", "性别", "选区", "籍贯"]), "无法识别的列：籍贯。"),
        (csv_upload([]), "文件只有表头，没有代表数据。"),
        (SimpleUploadedFile("名册.csv", ("姓名,性别,选区\r\n" + "长" * 200_000).encode()), "无法读取该 CSV 文件"),
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
    new = {"create_districts": [district.name], "create_groups": [group.name]}
    assert register_import(rows=rows, township=elsewhere.township, term=elsewhere, **new) == 1
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
    preview = response.context["preview"]
    assert not preview.ok and preview.can_confirm  # only the names to create wait for the clerk
    text = response.text
    for name in ("东风村选区", "西山村选区", "东风片代表小组", "西山片代表小组"):
        assert f'value="{name}"' in text  # a 新建 checkbox each, not ticked
    assert " checked" not in text
    assert all(name in text for name in ("李春华", "陈立", "周敏"))
    assert not Deputy.objects.exists()  # the preview saves nothing
    response = client.post(
        reverse("deputies:deputy_import_confirm"),
        {"create_district": NEW["create_districts"], "create_group": NEW["create_groups"]},
    )
    assert response.status_code == 302
    assert set(imported(term)) == {"李春华", "陈立", "周敏"}
    assert IMPORT_SESSION_KEY not in client.session
    assert "已导入 3 名代表。" in client.get(response["Location"]).text


def test_a_gbk_csv_through_the_pages(client, clerk, term):
    client.force_login(clerk)
    upload(client, csv_upload([[str(v) if isinstance(v, date) else v for v in row] for row in ROWS]), term)
    client.post(
        reverse("deputies:deputy_import_confirm"),
        {"create_district": NEW["create_districts"], "create_group": NEW["create_groups"]},
    )
    assert len(imported(term)) == 3


def test_the_preview_shows_the_bad_rows_chinese_error_and_nothing_is_saved(client, clerk, term):
    for name in NEW["create_districts"]:
        DistrictFactory(term=term, name=name)
    for name in NEW["create_groups"]:
        DeputyGroupFactory(term=term, name=name)
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
    assert not Deputy.objects.exists() and District.objects.count() == 2


def test_confirming_without_ticking_the_unknown_names_is_refused_and_the_ticks_are_kept(client, clerk, term):
    client.force_login(clerk)
    upload(client, xlsx_upload(ROWS), term)
    partly = {"create_district": NEW["create_districts"], "create_group": ["东风片代表小组"]}
    response = client.post(reverse("deputies:deputy_import_confirm"), partly)
    assert response["Location"] == reverse("deputies:deputy_import_preview")
    assert not Deputy.objects.exists() and not District.objects.exists() and not DeputyGroup.objects.exists()
    response = client.get(response["Location"])
    assert "文件中有 1 处错误，未导入任何数据。" in response.text
    preview = response.context["preview"]
    assert preview.new_districts == NEW["create_districts"] and preview.new_groups == ["东风片代表小组"]
    assert response.text.count(" checked") == 3  # as the clerk left them
    assert "本届没有代表小组“西山片代表小组”" in response.text
    client.post(
        reverse("deputies:deputy_import_confirm"),
        {"create_district": NEW["create_districts"], "create_group": NEW["create_groups"]},
    )
    assert set(imported(term)) == {"李春华", "陈立", "周敏"}


def test_the_preview_page_suggests_the_existing_district_for_a_misspelt_one(client, clerk, term, district):
    client.force_login(clerk)
    upload(client, xlsx_upload([one_row(选区="东风村选去")]), term)
    text = client.get(reverse("deputies:deputy_import_preview")).text
    assert 'name="create_district" value="东风村选去"' in text and "是否为：东风村选区？" in text
    assert "本届没有选区“东风村选去”（是否为“东风村选区”？）" in text
    client.post(reverse("deputies:deputy_import_confirm"))
    assert not Deputy.objects.exists() and District.objects.count() == 1


def test_the_preview_page_refuses_what_the_single_form_refuses(client, clerk, term, district):
    client.force_login(clerk)
    rows = [one_row(出生日期=FUTURE), one_row(姓名="赵六", 政治面貌="党员"), one_row(姓名="钱七", 联系电话="12345")]
    upload(client, xlsx_upload(rows), term)
    text = client.get(reverse("deputies:deputy_import_preview")).text
    assert "发现 3 处错误" in text and 'data-testid="confirm-import"' not in text
    assert "出生日期不能晚于今天。" in text and "政治面貌“党员”无法识别" in text and "请填写正确的电话号码" in text


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
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
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
    terminated = next(dict(zip(list(COLUMNS) + EXPORT_EXTRA, r, strict=True)) for r in rows if r[0] == "甲三")
    assert (terminated["状态"], terminated["状态变更原因"]) == ("代表资格终止", "迁出本行政区域")
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
