"""Import of the register from .xlsx / .csv with Chinese headers (preview, row-by-row errors,
all or nothing), and export of any list to .xlsx with the same headers (so an export can be
edited and imported again).

Each row is checked by the single-deputy form (forms.register.DeputyImportRowForm) and saved
through services.register.deputy_save, so a file cannot hold what the form refuses. A district
or group the term does not have is an error suggesting the closest existing names; it is
created only when the clerk ticks 新建 for it in the preview."""

import csv
import functools
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import get_close_matches

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from congress_office.uploads import ZIP, check_office_zip
from congress_office.xlsx import ExportTable, Labels, undefuse

from ..choices import Affiliation, DeputyStatus, Gender, Position
from ..forms.register import DeputyImportRowForm
from ..models import Deputy, DeputyGroup, District
from .contact import can_view_deputy_contact, deputy_contact_export_logged
from .register import deputy_save

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
    "身份证号": ("id_number", False),
    "选区": ("district", True),
    "代表小组": ("group", False),
    "主席团成员": ("is_presidium", False),
    "职务": ("position", False),
}
EXPORT_EXTRA = ["状态", "状态变更原因", "状态变更日期"]
MAX_ROWS = 2000
YES = {"是", "Y", "y", "yes", "1", "√", "TRUE", "True", "true"}
# how alike a district or group name must be to be suggested for an unknown one. Above
# difflib's 0.6, because the names share their endings: 金山村选区 is not a misspelt
# 东风村选区 (0.6), 东峰村选区 probably is (0.8)
NAME_CUTOFF = 0.75
# where a row came from in the spreadsheet (blank rows and a title row are skipped, so the
# position in the list is not the row number); not a column
LINE_KEY = "_line"
HEADER_SEARCH_ROWS = 5


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
    # the district / group names of this row not found in the term and not ticked 新建
    unresolved: list = field(default_factory=list)
    deputy: Deputy | None = None  # built and checked by the single-deputy form


@dataclass
class UnknownName:
    """A district or group named in the file that the term does not have: an error unless
    the clerk ticks 新建 for it in the preview."""

    name: str
    lines: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)  # the closest existing names
    create: bool = False


@dataclass
class ImportPreview:
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    unknown_districts: list = field(default_factory=list)
    unknown_groups: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.file_errors and all(not r.errors for r in self.rows) and bool(self.rows)

    @property
    def error_count(self):
        return len(self.file_errors) + sum(len(r.errors) for r in self.rows)

    @property
    def can_confirm(self):
        """True when every remaining error is an unknown name the clerk may still tick 新建 for."""
        return not self.file_errors and bool(self.rows) and all(len(r.errors) == len(r.unresolved) for r in self.rows)

    @property
    def new_districts(self):
        return [u.name for u in self.unknown_districts if u.create]

    @property
    def new_groups(self):
        return [u.name for u in self.unknown_groups if u.create]


def read_table(upload):
    """The uploaded file as a list of {header: text} dicts. Raises ValidationError (Chinese)."""
    name = (upload.name or "").lower()
    data = upload.read()
    if len(data) > settings.DEPUTY_UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationError(_("文件过大，不能超过 %(n)s MB。") % {"n": settings.DEPUTY_UPLOAD_MAX_MB})
    if name.endswith(".xlsx"):
        if data.startswith(ZIP):  # a zip bomb is refused before openpyxl unpacks it
            check_office_zip(io.BytesIO(data), upload.name)
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
    return undefuse(str(value).strip())  # a cell our export kept as text ("'+86 …") reads as it was


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
        except csv.Error:  # e.g. a cell longer than the csv module's limit (128 KB)
            raise ValidationError(_("无法读取该 CSV 文件，请确认是逗号分隔的名册表格。")) from None
    raise ValidationError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"))


def _parse_date(text):
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _form_data(raw):
    """A row's cells as the single-deputy form's data. Chinese labels become the choices'
    values; a cell that is no label is passed as it is, so that the form refuses it."""
    genders, affiliations, positions = _labels(Gender.choices), _labels(Affiliation.choices), _labels(Position.choices)
    gender, affiliation, position = raw.get("性别", ""), raw.get("政治面貌", "") or "群众", raw.get("职务", "")
    return {
        "name": raw.get("姓名", ""),
        "gender": genders.get(gender, gender),
        "ethnicity": raw.get("民族", "") or "汉族",
        "affiliation": affiliations.get(affiliation, affiliation),
        "phone": raw.get("联系电话", ""),
        "id_number": raw.get("身份证号", ""),
        "occupation": raw.get("职业", ""),
        "work_unit": raw.get("工作单位及职务", ""),
        "is_presidium": raw.get("主席团成员", "") in YES,
        "position": positions.get(position, position),
    }


def _choice_message(name, value):
    if name == "gender":
        return _("性别应为“男”或“女”，而不是“%(v)s”") % {"v": value}
    if name == "position":
        return _("职务只能填“主席”或“副主席”")
    labels = list(_labels(Affiliation.choices))
    message = _("政治面貌“%(v)s”无法识别，可填：%(ok)s") % {"v": value, "ok": "、".join(labels)}
    return message + _hint(_closest(value, labels))


def _closest(value, names, cutoff=0.6):
    return get_close_matches(value, names, n=3, cutoff=cutoff)


def _hint(close):
    """“(did you mean …?)” naming the close matches, or nothing."""
    return _("（是否为%(s)s？）") % {"s": "、".join(f"“{n}”" for n in close)} if close else ""


def _form_errors(form, raw):
    """The form's errors as one Chinese sentence each, named by the file's column."""
    headers = {f: h for h, (f, _required) in COLUMNS.items()}
    messages = []
    for name, errors in form.errors.as_data().items():
        header = headers.get(name)
        value = raw.get(header, "") if header else ""
        for error in errors:
            text = " ".join(error.messages)
            if header is None:
                messages.append(text)
            elif error.code == "required":
                messages.append(_("%(h)s不能为空") % {"h": header})
            elif error.code == "max_length":
                messages.append(_("%(h)s过长") % {"h": header})
            elif error.code == "invalid_choice":
                messages.append(_choice_message(name, value))
            elif value:
                messages.append(_("%(h)s“%(v)s”：%(e)s") % {"h": header, "v": value, "e": text})
            else:
                messages.append(_("%(h)s：%(e)s") % {"h": header, "e": text})
    return messages


def _unknown_message(kind, name, hint):
    return _("本届没有%(kind)s“%(name)s”%(hint)s。请改正文件，或确为新%(kind)s的，在上方勾选“新建”。") % {
        "kind": kind,
        "name": name,
        "hint": hint,
    }


def register_preview(*, rows, township, term, create_districts=(), create_groups=()) -> ImportPreview:
    """Check every row with the single-deputy form (DeputyImportRowForm) and the register's
    rules across rows; nothing is written. A district or group the term does not have is an
    error naming the closest existing ones, unless its name is in `create_districts` /
    `create_groups` (the clerk ticked 新建). Row numbers are the spreadsheet's (header = 1).
    Three queries whatever the number of rows."""
    preview = ImportPreview()
    districts = {
        d.name: d
        for d in District.objects.filter(term=term).annotate(
            serving=Count("deputies", filter=~Q(deputies__status=DeputyStatus.TERMINATED))
        )
    }
    groups = {g.name: g for g in DeputyGroup.objects.filter(term=term)}
    existing = set(Deputy.objects.filter(term=term).values_list("name", "birth_date"))
    seats_taken = {name: d.serving for name, d in districts.items()}
    unknown = {"district": {}, "group": {}}
    ticked = {"district": set(create_districts), "group": set(create_groups)}
    known = {"district": districts, "group": groups}
    kinds = {"district": _("选区"), "group": _("代表小组")}

    def unknown_name(row, kind, name):
        """The entry of a name the term does not have; an error on the row unless ticked."""
        entry = unknown[kind].get(name)
        if entry is None:
            close = _closest(name, list(known[kind]), cutoff=NAME_CUTOFF)
            entry = unknown[kind][name] = UnknownName(name=name, suggestions=close, create=name in ticked[kind])
        entry.lines.append(row.line)
        if not entry.create:
            message = _unknown_message(kinds[kind], name, _hint(entry.suggestions))
            row.errors.append(message)
            row.unresolved.append(message)
        return entry

    seen = set()
    for index, raw in enumerate(rows, start=2):
        row = ImportRow(line=raw.get(LINE_KEY, index), raw=raw)
        data = _form_data(raw)
        birth_date = None
        if raw.get("出生日期"):
            try:
                birth_date = _parse_date(raw["出生日期"])
            except ValueError:
                row.errors.append(_("出生日期“%(v)s”无法识别，请写成 1975-03-08") % {"v": raw["出生日期"]})
        data["birth_date"] = birth_date.isoformat() if birth_date else ""
        deputy = Deputy(township=township, term=term, status=DeputyStatus.ACTIVE)
        form = DeputyImportRowForm(data, instance=deputy)
        if form.is_valid():
            row.deputy = deputy
        row.errors.extend(_form_errors(form, raw))
        row.values = {**form.cleaned_data, "district": raw.get("选区", ""), "group": raw.get("代表小组", "")}

        district = row.values["district"]
        if not district:
            row.errors.append(_("选区不能为空"))
        elif len(district) > District._meta.get_field("name").max_length:
            row.errors.append(_("选区名称过长"))
        elif district in districts:
            seats_taken[district] = seats_taken.get(district, 0) + 1
            if seats_taken[district] > districts[district].seats:
                row.errors.append(
                    _("选区“%(d)s”应选 %(n)s 名，已超额") % {"d": district, "n": districts[district].seats}
                )
        elif len(unknown_name(row, "district", district).lines) > settings.DISTRICT_SEATS_MAX:
            row.errors.append(_("选区“%(d)s”最多选出 %(n)s 名代表") % {"d": district, "n": settings.DISTRICT_SEATS_MAX})
        group = row.values["group"]
        if len(group) > DeputyGroup._meta.get_field("name").max_length:
            row.errors.append(_("代表小组名称过长"))
        elif group and group not in groups:
            unknown_name(row, "group", group)

        key = (row.values.get("name", data["name"]), birth_date)
        if key in existing:
            row.errors.append(_("“%(n)s”已在本届名册中") % {"n": key[0]})
        if key in seen:
            row.errors.append(_("与前面的行重复"))
        seen.add(key)
        preview.rows.append(row)

    preview.unknown_districts = sorted(unknown["district"].values(), key=lambda u: u.name)
    preview.unknown_groups = sorted(unknown["group"].values(), key=lambda u: u.name)
    minimum = settings.DEPUTY_GROUP_MIN_MEMBERS
    preview.warnings = [
        _("代表小组“%(g)s”在本届尚无，文件中只有 %(n)s 名代表，代表小组至少应有 %(m)s 名代表。")
        % {"g": u.name, "n": len(u.lines), "m": minimum}
        for u in preview.unknown_groups
        if len(u.lines) < minimum
    ]
    return preview


@transaction.atomic
def register_import(*, rows, township, term, create_districts=(), create_groups=(), by=None) -> int:
    """Import all rows or none: checks again, creates the districts and groups the clerk
    ticked 新建 for, then saves every deputy through deputy_save (the single-deputy form's
    service), in one transaction."""
    if term.township_id != township.pk:
        raise ValidationError(_("届次必须属于本乡镇。"))
    preview = register_preview(
        rows=rows, township=township, term=term, create_districts=create_districts, create_groups=create_groups
    )
    if not preview.ok:
        raise ValidationError(_("文件中有 %(n)s 处错误，未导入任何数据。") % {"n": preview.error_count})
    districts = {d.name: d for d in District.objects.filter(term=term)}
    groups = {g.name: g for g in DeputyGroup.objects.filter(term=term)}
    for unknown in preview.unknown_districts:
        seats = max(len(unknown.lines), settings.DISTRICT_SEATS_MIN)
        districts[unknown.name] = _create(District(township=township, term=term, name=unknown.name, seats=seats))
    for unknown in preview.unknown_groups:
        groups[unknown.name] = _create(DeputyGroup(township=township, term=term, name=unknown.name))
    for row in preview.rows:
        deputy = row.deputy
        deputy.district = districts[row.values["district"]]
        deputy.group = groups[row.values["group"]] if row.values["group"] else None
        try:
            deputy_save(deputy=deputy)
        except ValidationError as error:  # a rule the preview does not know yet: still name the row
            raise ValidationError(
                _("第 %(line)s 行：%(errors)s（未导入任何数据）")
                % {"line": row.line, "errors": "；".join(error.messages)}
            ) from None
    return len(preview.rows)


def _create(obj):
    obj.full_clean()
    obj.save()
    return obj


EXPORT_KEY = "deputies.register"
EXPORT_WIDTHS = (10, 6, 8, 12, 12, 14, 28, 14, 22, 16, 16, 10, 8, 14, 20, 12)


def deputy_row(d, labels, full=False):
    """One deputy's cells, in Chinese (the district and group select_related); the phone and ID
    number in full only when `full` (see export_table), masked otherwise."""
    return [
        d.name,
        labels(d, "gender"),
        d.ethnicity,
        d.birth_date,
        labels(d, "affiliation"),
        d.occupation,
        d.work_unit,
        d.phone if full else d.masked_phone,
        d.id_number if full else d.masked_id_number,
        d.district.name if d.district else "",
        d.group.name if d.group else "",
        "是" if d.is_presidium else "否",
        labels(d, "position") if d.position else "",
        labels(d, "status"),
        d.status_reason,
        d.status_date,
    ]


def export_table(deputies, filename="", full_for=None, query=""):
    """The deputies as an export (congress_office.xlsx) with the import's Chinese headers and
    Chinese values whatever the page's language, so that it can be edited and imported again.
    Phones and ID numbers are masked, unless `full_for` is a user who may see them in full
    (services.contact: the township's clerks and chairs): then in full, the export logged when
    its first row is written (by the request, or by the worker for a large one)."""
    rows = deputies.select_related("district", "group")
    labels = Labels()
    if full_for is None or not can_view_deputy_contact(full_for, township_id=full_for.township_id):
        row = functools.partial(deputy_row, labels=labels)
    else:
        logged = []

        def row(d):
            if not logged:
                deputy_contact_export_logged(user=full_for, rows=rows.count(), query=query)
                logged.append(True)
            return deputy_row(d, labels, full=True)

    return ExportTable(
        sheet="代表名册",
        columns=tuple(zip(list(COLUMNS) + EXPORT_EXTRA, EXPORT_WIDTHS, strict=True)),
        rows=rows,
        row=row,
        filename=filename,
    )


def deputies_export_xlsx(deputies, full_for=None) -> bytes:
    """The given deputies (a queryset) as the bytes of the export's workbook (numbers in full
    only for `full_for` if they may see them, see export_table)."""
    with export_table(deputies, full_for=full_for).write() as handle:
        return handle.read()


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
        for column, width in zip("ABCDEFGHIJKLM", (10, 6, 8, 12, 12, 14, 28, 14, 22, 16, 16, 10, 8), strict=True):
            sheet.column_dimensions[column].width = width
        notes = book.create_sheet("填写说明")
        notes.append(["列", "是否必填", "说明"])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        explanations = {
            "性别": "、".join(_labels(Gender.choices)),
            "出生日期": "如 1975-03-08",
            "身份证号": "18 位居民身份证号码，可不填",
            "政治面貌": "、".join(_labels(Affiliation.choices)) + "（不填为群众）",
            "选区": "本届尚无的选区须在导入预览中勾选“新建”，"
            f"每个选区 {settings.DISTRICT_SEATS_MIN}–{settings.DISTRICT_SEATS_MAX} 名代表",
            "代表小组": "本届尚无的代表小组须在导入预览中勾选“新建”，"
            f"每个小组至少 {settings.DEPUTY_GROUP_MIN_MEMBERS} 名代表",
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
