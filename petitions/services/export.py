"""The petition list as an .xlsx workbook. Phone and ID number are always masked: an export
leaves the system, so it never carries them in full, whoever makes it."""

import io

from django.utils import translation

from congress_office.services.cases import case_type_of

HEADERS = [
    "编号",
    "乡镇",
    "收到日期",
    "信访方式",
    "信访类别",
    "事项分类",
    "信访事由",
    "信访人",
    "联系电话",
    "身份证号",
    "住址",
    "集体访人数",
    "状态",
    "重复信访",
    "下一期限",
]
WIDTHS = (16, 10, 12, 10, 12, 12, 36, 14, 14, 22, 28, 10, 14, 16, 12)


def petitions_export_xlsx(petitions) -> bytes:
    with translation.override("zh-hans"):
        return _export(petitions)


def _export(petitions):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "信访件"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    spec = None
    for p in petitions:
        spec = spec or case_type_of(p)
        sheet.append(
            [
                str(p.number),
                p.township.name,
                p.received_on,
                p.get_channel_display(),
                p.get_category_display(),
                p.subject.name,
                p.title,
                p.petitioner,
                p.masked_phone,
                p.masked_id_number,
                p.address,
                p.headcount if p.is_group else "",
                str(spec.state_label(p.state)),
                "是" if p.repeat_of_id else "",
                getattr(p, "next_due", None),
            ]
        )
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # a citizen's text starting with "=" is text, never a formula Excel would run
            if cell.data_type == "f":
                cell.data_type = "s"
        for cell in (row[2], row[14]):
            cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
