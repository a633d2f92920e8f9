"""Printable registers (登记簿, 名册, 台账): a print page for the browser and a PDF job each.

An app registers a `registries.PrintRegister` through `register_print(key, spec)`, which also
registers its PDF report (same key) on the PDF job machinery (services/pdf.py): the print page
(`core:register_print`, views/registers.py) and the PDF both call the spec's
`build(user, query, *, limit, full)` and draw the `RegisterSheet` it returns with the spec's
template, so what is printed from the browser and what the PDF holds are the same rows. A
builder reads its rows with `read_register` (the list's FilterSet checked, counted, cut) and draws
them with `register_sheet` (the header, a county account's 乡镇 column).

- Rows: what the register's list shows `user` for the same query string (its FilterSet, its
  visible_to), in register order (oldest first). The print page lists at most
  REGISTER_PRINT_MAX_ROWS and says so on the page and on paper; a PDF refuses more than
  REGISTER_PDF_MAX_ROWS (the user narrows the range), before anything is logged.
- Personal data (phones, ID numbers) is masked; `full=1` asks for it in full, granted only to
  those the app's rules allow (the township's clerks and chairs) and logged by the app.
- A township user's query naming another township is refused (403 on the page, a failed job).
"""

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .registries import PdfReport, pdf_reports, print_registers

PDF_TEMPLATE = "pdf/register.html"
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class Column:
    label: str
    cls: str = ""  # a CSS class of the column's cells (nowrap, num, wide)


@dataclass
class RegisterSheet:
    """What a register's builder returns: the header (township, title, scope), the columns and
    the rows (lists of cell strings; a custom template may use any objects), and how many rows
    the query matched in all (`total`: more than `rows` when the print page cut the list)."""

    title: str
    township: str
    columns: list
    rows: list
    total: int
    scope: str = ""
    notes: list = field(default_factory=list)
    filterset: object = None
    full: bool = False  # personal data in full (the app logged it)
    may_show_full: bool = False  # the user may ask for it in full
    printed_on: date | None = None

    @property
    def cells(self):
        """Each row as (cell, the column's CSS class) pairs."""
        classes = [column.cls for column in self.columns]
        return [list(zip(row, classes, strict=False)) for row in self.rows]

    @property
    def shown(self):
        return len(self.rows)

    @property
    def truncated(self):
        return self.total > len(self.rows)


def print_limit():
    return settings.REGISTER_PRINT_MAX_ROWS


def pdf_limit():
    return settings.REGISTER_PDF_MAX_ROWS


def query_dict(params):
    """A job's params (a dict of strings) as the QueryDict a builder reads."""
    query = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        query[key] = str(value)
    return query


def wants_full(query):
    return (query or {}).get("full") == "1"


def query_year(query):
    """The `year` of the query string, or None when absent or not a sensible year."""
    try:
        year = int(str((query or {}).get("year", "")).strip())
    except ValueError:
        return None
    return year if year in YEARS else None


def other_township_requested(user, query):
    """Whether a township user's query names another township (refused: 403 / failed job)."""
    value = str((query or {}).get("township", "") or "").strip()
    if not value or user.is_county_wide:
        return False
    return value != str(user.township_id)


def checked_filterset(user, filterset):
    """The list's FilterSet once its query is valid (ValidationError naming the bad fields)."""
    if filterset.is_bound and not filterset.form.is_valid():
        problems = [
            f"{filterset.form.fields[name].label if name in filterset.form.fields else name}："
            f"{'；'.join(str(e) for e in errors)}"
            for name, errors in filterset.form.errors.items()
        ]
        raise ValidationError(_("筛选条件有误：%(p)s") % {"p": "，".join(problems)})
    return filterset


def take(queryset, limit, strict):
    """(total, the first `limit` rows) of `queryset`: two queries. `strict` (a PDF): more rows
    than `limit` is refused with a message asking for a narrower range."""
    total = queryset.count()
    if strict and total > limit:
        raise ValidationError(
            _("共 %(n)s 条，超过登记簿 PDF 的上限 %(max)s 条，请缩小日期范围或筛选条件后再导出。")
            % {"n": total, "max": limit}
        )
    return total, list(queryset[:limit])


def read_register(user, filterset, order, limit, strict):
    """(the checked filterset, total, the first `limit` rows in `order`) of a register's list
    filter: checked_filterset, then take."""
    filterset = checked_filterset(user, filterset)
    total, rows = take(filterset.qs.order_by(*order), limit, strict)
    return filterset, total, rows


def day(value):
    """A date as the registers print it (2026-03-01), "" for none."""
    return value.strftime("%Y-%m-%d") if value else ""


def register_sheet(user, filterset, *, title, columns, objects, row, total, **extra):
    """The RegisterSheet of `objects`, each drawn by `row(obj)` as its cells under `columns`:
    a county-wide account's with a 乡镇 column second (`obj.township.name`), headed by
    header_township; `scope` defaults to the filter's query in words, `printed_on` to today;
    `extra` are RegisterSheet's other fields (notes, full, may_show_full)."""
    columns, rows = list(columns), [row(obj) for obj in objects]
    if user.is_county_wide:
        columns.insert(1, Column(_("乡镇"), "nowrap"))
        for obj, cells in zip(objects, rows, strict=True):
            cells.insert(1, obj.township.name)
    if "scope" not in extra:
        extra["scope"] = scope_text(filterset)
    extra.setdefault("printed_on", timezone.localdate())
    return RegisterSheet(
        title=title,
        township=header_township(user, filterset),
        columns=columns,
        rows=rows,
        total=total,
        filterset=filterset,
        **extra,
    )


def header_township(user, filterset=None):
    """The name the register's header carries: the user's township, the township the query
    chose (a county account), or 全县各乡镇."""
    if user.township_id:
        return user.township.name
    if filterset is not None and filterset.form.is_bound and filterset.form.is_valid():
        chosen = filterset.form.cleaned_data.get("township")
        if chosen:
            return chosen.name
    return _("全县各乡镇")


def scope_text(filterset, extra=()):
    """The query in words (年度：2026；状态：办理中 …) for the register's header; `extra` adds
    (label, value) pairs first."""
    parts = [f"{label}：{value}" for label, value in extra if value not in (None, "")]
    if filterset is None or not filterset.form.is_bound or not filterset.form.is_valid():
        return "；".join(parts)
    form = filterset.form
    for name, value in form.cleaned_data.items():
        if value in (None, "", False) or name == "township":
            continue
        label = form.fields[name].label or name
        if value is True:
            parts.append(str(label))
            continue
        choices = dict(getattr(form.fields[name], "choices", []) or [])
        if hasattr(value, "isoformat"):
            text = value.isoformat()
        elif not hasattr(value, "_meta") and str(value) in {str(k) for k in choices}:
            text = str({str(k): v for k, v in choices.items()}[str(value)])
        else:
            text = str(value)
        parts.append(f"{label}：{text}")
    return "；".join(parts)


MASKED_NOTE = gettext_lazy("联系电话、身份证号已按个人信息保护规定隐去部分号码。")
FULL_NOTE = gettext_lazy("本登记簿含完整的个人信息，查看已记录在案，请妥善保管，用后及时销毁。")


def personal_note(full):
    return str(FULL_NOTE if full else MASKED_NOTE)


# --- registration and the PDF job ------------------------------------------------------------------


def register_print(key, spec):
    """Register a printable register and its PDF report (same key)."""
    print_registers.register(key, spec)
    pdf_reports.register(
        key,
        PdfReport(
            title=spec.title,
            template=PDF_TEMPLATE,
            build_context=partial(register_pdf_context, key),
            permission=spec.permission,
            params=(*spec.params, "full"),
        ),
    )
    return spec


def unregister_print(key):
    print_registers.unregister(key)
    pdf_reports.unregister(key)


def register_refusal(spec, user, query):
    """Why `user` may not print `spec` for `query` (a message), or "" when they may."""
    from .access import reads_aggregates_only

    if spec.permission and not user.has_perm(spec.permission):
        return _("您无权打印该登记簿。")
    if spec.per_person and reads_aggregates_only(user):
        return _("县级账号只能查看汇总数据，不能打印或导出逐人名单。")
    if other_township_requested(user, query):
        return _("不能打印或导出其他乡镇的登记簿。")
    return ""


def register_pdf_context(key, job, progress):
    """build_context of a register's PDF job: the same rows as the print page, as the job's
    owner may see them, all of them (up to REGISTER_PDF_MAX_ROWS)."""
    spec = print_registers.get(key)
    if spec is None:
        raise ValidationError(_("未知的登记簿。"))
    query = query_dict(job.params)
    refusal = register_refusal(spec, job.owner, query)
    if refusal:
        raise ValidationError(refusal)
    progress(20, _("正在读取登记簿"))
    sheet = spec.build(job.owner, query, limit=pdf_limit(), full=wants_full(query), strict=True)
    progress(40, _("已读取 %(n)s 条，正在排版") % {"n": sheet.total})
    return {"sheet": sheet, "body_template": spec.template, "landscape": spec.landscape}
