"""The petition list as an .xlsx export (congress_office.xlsx: write-only, every row, a job above
EXPORT_INLINE_MAX_ROWS). Phone and ID number are always masked: an export leaves the system, so
it never carries them in full, whoever makes it."""

import functools

from django.utils import timezone
from django.utils.translation import gettext as _

from congress_office.registries import case_types
from congress_office.xlsx import ExportTable, Labels

from .. import selectors
from ..models import Petition

EXPORT_KEY = "petitions.petitions"
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
COLUMNS = tuple(zip(HEADERS, WIDTHS, strict=True))
# the long texts no column shows are not read
UNUSED_FIELDS = ("request", "facts", "reasons", "oral_record", "representatives", "decision_reason")


def petition_row(p, labels):
    """One petition's cells: the township and subject select_related, `next_due` annotated, phone
    and ID number masked (decrypted once each, with the cached cipher)."""
    state_label = case_types[Petition.case_type_key].state_label
    return [
        str(p.number),
        p.township.name,
        p.received_on,
        labels(p, "channel"),
        labels(p, "category"),
        p.subject.name,
        p.title,
        p.petitioner,
        p.masked_phone,
        p.masked_id_number,
        p.address,
        p.headcount if p.is_group else "",
        labels.get(("state", p.state), lambda: state_label(p.state)),
        "是" if p.repeat_of_id else "",
        getattr(p, "next_due", None),
    ]


def petitions_table(user, query):
    """Exactly the rows the list shows `user` for the query string `query` (all pages)."""
    filterset = selectors.petition_list(user=user, filters=query or None)
    return ExportTable(
        sheet="信访件",
        columns=COLUMNS,
        rows=selectors.with_next_due(filterset.qs).defer(*UNUSED_FIELDS),
        row=functools.partial(petition_row, labels=Labels()),
        filename=_("信访件-%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")},
    )
