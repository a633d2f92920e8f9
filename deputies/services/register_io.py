"""Import of the register from .xlsx / .csv with Chinese headers (preview, row-by-row errors,
all or nothing), and export of any list to .xlsx with the same headers (so an export can be
edited and imported again)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from ..choices import Affiliation, DeputyStatus, Gender, Position
from ..models import Deputy, DeputyGroup, District

# header → (field, required)
COLUMNS = {
    "姓名": ("name", True),
    "性别": ("gender", True),
    "民族": ("ethnicity", False),
    "出生日期": ("birth_date", False),
    "政治面貌": ("affiliation", False),
    "职业": ("occupation", False),
    "工作单位及职务": ("work_unit", False),
    "联系电话": ("phone", False),
    "选区": ("district", True),
    "代表小组": ("group", False),
    "主席团成员": ("is_presidium", False),
    "职务": ("position", False),
}
EXPORT_EXTRA = ["状态", "状态变更原因", "状态变更日期"]
MAX_ROWS = 2000
YES = {"是", "Y", "y", "yes", "1", "√", "TRUE", "True", "true"}
# where a row came from in the spreadsheet (blank rows and a title row are skipped, so the
# position in the list is not the row number); not a column
LINE_KEY = "_line"
HEADER_SEARCH_ROWS = 5
# spellings seen in registers kept by hand
AFFILIATION_ALIASES = {
    "党员": Affiliation.CPC,
    "中国共产党党员": Affiliation.CPC,
    "共产党员": Affiliation.CPC,
    "预备党员": Affiliation.CPC_PROBATIONARY,
    "团员": Affiliation.CYL,
    "无党派": Affiliation.NONE,
}


def _labels(choices):
    # the file is in Chinese whatever language the clerk reads the page in
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices}


@dataclass
class ImportRow:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    new_districts: list = field(default_factory=list)
    new_groups: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.file_errors and all(not r.errors for r in self.rows) and bool(self.rows)

    @property
    def error_count(self):
        return len(self.file_errors) + sum(len(r.errors) for r in self.rows)


def read_table(upload):
    """The uploaded file as a list of {header: text} dicts. Raises ValidationError (Chinese)."""
    name = (upload.name or "").lower()
    data = upload.read()
    if len(data) > settings.DEPUTY_UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationError(_("文件过大，不能超过 %(n)s MB。") % {"n": settings.DEPUTY_UPLOAD_MAX_MB})
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".csv"):
        rows = _read_csv(data)
    else:
        raise ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
    if not rows:
        raise ValidationError(_("文件是空的。"))
    # a title row such as “某镇第十九届人大代表名册” may come before the header
    start = next((i for i, r in enumerate(rows[:HEADER_SEARCH_ROWS]) if "姓名" in [str(c or "").strip() for c in r]), 0)
    header = [str(h or "").strip() for h in rows[start]]
    unknown = [h for h in header if h and h not in COLUMNS and h not in EXPORT_EXTRA]
    missing = [h for h, (_f, required) in COLUMNS.items() if required and h not in header]
    if missing:
        raise ValidationError(
            _("缺少必填列：%(cols)s。第一行应为表头，如：%(example)s")
            % {"cols": "、".join(missing), "example": "、".join(list(COLUMNS)[:6]) + "…"}
        )
    if unknown:
        raise ValidationError(_("无法识别的列：%(cols)s。") % {"cols": "、".join(unknown)})
    body = [
        (line, r) for line, r in enumerate(rows[start + 1 :], start=start + 2) if any(str(c or "").strip() for c in r)
    ]
    if not body:
        raise ValidationError(_("文件只有表头，没有代表数据。"))
    if len(body) > MAX_ROWS:
        raise ValidationError(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    return [
        {**{h: _cell(r[i] if i < len(r) else "") for i, h in enumerate(header) if h}, LINE_KEY: line}
        for line, r in body
    ]


def _cell(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value).strip()


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        raise ValidationError(_("无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密。")) from None
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _read_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese Windows saves CSV as GBK
        try:
            return list(csv.reader(io.StringIO(data.decode(encoding))))
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"))


def _parse_date(text):
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def register_preview(*, rows, township, term) -> ImportPreview:
    """Validate every row; nothing is written. Row numbers are the spreadsheet's (header = 1).
    Four queries whatever the number of rows."""
    preview = ImportPreview()
    genders, affiliations, positions = _labels(Gender.choices), _labels(Affiliation.choices), _labels(Position.choices)
    affiliations = {**{k: v.value for k, v in AFFILIATION_ALIASES.items()}, **affiliations}
    districts = {
        d.name: d
        for d in District.objects.filter(term=term).annotate(
            serving=Count("deputies", filter=~Q(deputies__status=DeputyStatus.TERMINATED))
        )
    }
    groups = {g.name: g for g in DeputyGroup.objects.filter(term=term)}
    existing = set(Deputy.objects.filter(term=term).values_list("name", "birth_date"))
    seats_taken = {name: d.serving for name, d in districts.items()}
    seen = set()
    new_districts, new_groups = {}, set()
    for index, raw in enumerate(rows, start=2):
        row = ImportRow(line=raw.get(LINE_KEY, index), raw=raw)
        v = row.values
        v["name"] = raw.get("姓名", "")
        if not v["name"]:
            row.errors.append(_("姓名不能为空"))
        elif len(v["name"]) > 30:
            row.errors.append(_("姓名过长"))
        gender = raw.get("性别", "")
        if gender not in genders:
            row.errors.append(_("性别应为“男”或“女”，而不是“%(v)s”") % {"v": gender})
        v["gender"] = genders.get(gender)
        v["ethnicity"] = raw.get("民族") or "汉族"
        v["birth_date"] = None
        if raw.get("出生日期"):
            try:
                v["birth_date"] = _parse_date(raw["出生日期"])
            except ValueError:
                row.errors.append(_("出生日期“%(v)s”无法识别，请写成 1975-03-08") % {"v": raw["出生日期"]})
        affiliation = raw.get("政治面貌") or "群众"
        if affiliation not in affiliations:
            row.errors.append(
                _("政治面貌“%(v)s”无法识别，可填：%(ok)s")
                % {"v": affiliation, "ok": "、".join(_labels(Affiliation.choices))}
            )
        v["affiliation"] = affiliations.get(affiliation)
        for header, name, limit in (
            ("民族", "ethnicity", 20),
            ("职业", "occupation", 60),
            ("工作单位及职务", "work_unit", 120),
            ("联系电话", "phone", 20),
        ):
            v[name] = raw.get(header, "") or v.get(name, "")
            if len(v[name]) > limit:
                row.errors.append(_("%(h)s过长") % {"h": header})
        district = raw.get("选区", "")
        if not district:
            row.errors.append(_("选区不能为空"))
        else:
            if len(district) > District._meta.get_field("name").max_length:
                row.errors.append(_("选区名称过长"))
            elif district not in districts:
                new_districts[district] = new_districts.get(district, 0) + 1
                if new_districts[district] > settings.DISTRICT_SEATS_MAX:
                    row.errors.append(
                        _("选区“%(d)s”最多选出 %(n)s 名代表") % {"d": district, "n": settings.DISTRICT_SEATS_MAX}
                    )
            else:
                seats_taken[district] = seats_taken.get(district, 0) + 1
                if seats_taken[district] > districts[district].seats:
                    row.errors.append(
                        _("选区“%(d)s”应选 %(n)s 名，已超额") % {"d": district, "n": districts[district].seats}
                    )
        v["district"] = district
        group = raw.get("代表小组", "")
        if len(group) > DeputyGroup._meta.get_field("name").max_length:
            row.errors.append(_("代表小组名称过长"))
        elif group and group not in groups:
            new_groups.add(group)
        v["group"] = group
        v["is_presidium"] = raw.get("主席团成员", "") in YES
        position = raw.get("职务", "")
        if position and position not in positions:
            row.errors.append(_("职务只能填“主席”或“副主席”"))
        v["position"] = positions.get(position, "") if position else ""
        if v["position"] and not v["is_presidium"]:
            row.errors.append(_("主席、副主席须为主席团成员"))
        key = (v["name"], v["birth_date"])
        if key in existing:
            row.errors.append(_("“%(n)s”已在本届名册中") % {"n": v["name"]})
        if key in seen:
            row.errors.append(_("与前面的行重复"))
        seen.add(key)
        preview.rows.append(row)
    preview.new_districts = sorted(new_districts)
    preview.new_groups = sorted(new_groups)
    return preview


@transaction.atomic
def register_import(*, rows, township, term, by=None) -> int:
    """Import all rows or none: re-validates, then creates missing districts and groups and
    every deputy in one transaction."""
    if term.township_id != township.pk:
        raise ValidationError(_("届次必须属于本乡镇。"))
    preview = register_preview(rows=rows, township=township, term=term)
    if not preview.ok:
        raise ValidationError(_("文件中有 %(n)s 处错误，未导入任何数据。") % {"n": preview.error_count})
    districts = {d.name: d for d in District.objects.filter(term=term)}
    groups = {g.name: g for g in DeputyGroup.objects.filter(term=term)}
    per_district = {}
    for row in preview.rows:
        per_district[row.values["district"]] = per_district.get(row.values["district"], 0) + 1
    for name in preview.new_districts:
        districts[name] = District.objects.create(township=township, term=term, name=name, seats=per_district[name])
    for name in preview.new_groups:
        groups[name] = DeputyGroup.objects.create(township=township, term=term, name=name)
    for row in preview.rows:
        values = dict(row.values)
        values["district"] = districts[values["district"]]
        values["group"] = groups.get(values["group"]) if values["group"] else None
        deputy = Deputy(township=township, term=term, status=DeputyStatus.ACTIVE, **values)
        try:
            deputy.full_clean()
        except ValidationError as error:  # a rule the preview does not know yet: still name the row
            raise ValidationError(
                _("第 %(line)s 行：%(errors)s（未导入任何数据）")
                % {"line": row.line, "errors": "；".join(error.messages)}
            ) from None
        deputy.save()
    return len(preview.rows)


def deputies_export_xlsx(deputies) -> bytes:
    """The given deputies as an .xlsx workbook with the import's Chinese headers and Chinese
    values whatever the page's language, so that it can be edited and imported again."""
    with translation.override("zh-hans"):
        return _export_xlsx(deputies)


def _export_xlsx(deputies):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "代表名册"
    headers = list(COLUMNS) + EXPORT_EXTRA
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for d in deputies:
        sheet.append(
            [
                d.name,
                d.get_gender_display(),
                d.ethnicity,
                d.birth_date,
                d.get_affiliation_display(),
                d.occupation,
                d.work_unit,
                d.phone,
                d.district.name if d.district else "",
                d.group.name if d.group else "",
                "是" if d.is_presidium else "否",
                d.get_position_display() if d.position else "",
                d.get_status_display(),
                d.status_reason,
                d.status_date,
            ]
        )
    for column, width in zip("ABCDEFGHIJKLMNO", (10, 6, 8, 12, 12, 14, 28, 14, 16, 16, 10, 8, 14, 20, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in (row[3], row[14]):
            cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_template_xlsx() -> bytes:
    """An empty register with the import's headers, and a second sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("zh-hans"):
        book = Workbook()
        sheet = book.active
        sheet.title = "代表名册"
        sheet.append(list(COLUMNS))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column, width in zip("ABCDEFGHIJKL", (10, 6, 8, 12, 12, 14, 28, 14, 16, 16, 10, 8), strict=True):
            sheet.column_dimensions[column].width = width
        notes = book.create_sheet("填写说明")
        notes.append(["列", "是否必填", "说明"])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        explanations = {
            "性别": "、".join(_labels(Gender.choices)),
            "出生日期": "如 1975-03-08",
            "政治面貌": "、".join(_labels(Affiliation.choices)) + "（不填为群众）",
            "选区": "不存在的选区将自动新建，"
            f"每个选区 {settings.DISTRICT_SEATS_MIN}–{settings.DISTRICT_SEATS_MAX} 名代表",
            "代表小组": "不存在的代表小组将自动新建",
            "主席团成员": "填“是”或留空",
            "职务": "主席、副主席（须为主席团成员），其他留空",
        }
        for header, (_field, required) in COLUMNS.items():
            notes.append([header, "必填" if required else "", explanations.get(header, "")])
        notes.column_dimensions["A"].width = 16
        notes.column_dimensions["C"].width = 60
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
