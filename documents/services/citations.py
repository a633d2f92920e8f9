"""Citations between documents and the records that cite them (DESIGN §3: documents is imported by
nothing to its left, so petitions and suggestions see these links through the core's
`record_links` registry; documents itself may import petitions and deputies).

- citation_add / citation_remove: a clerk links a petition or a suggestion of the township to a
  document ("答复批复", "转办函" …), or withdraws a link made by mistake (kept, marked removed).
  Both are logged on the document's timeline.
- find_citable: the petition or suggestion with a number (青信〔2026〕5号, 建议〔2026〕3号, 2026-5)
  in the document's township.
- record_links: the registry provider. On a petition or a suggestion, the documents it cites that
  the user may see (a classified one above the user's clearance is not listed); on a document,
  the petitions and suggestions citing it that the user may see. A fixed number of queries.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from congress_office.message_keys import Message
from congress_office.services.cases import case_event

from ..models import DocumentCitation, IncomingDocument, OutgoingDocument


@dataclass(frozen=True)
class Citable:
    """A kind of record that may cite a document."""

    key: str  # the form's value
    model_label: str
    kind: str  # in words
    icon: str
    view_permission: str
    select_related: tuple = ()

    @property
    def model(self):
        return apps.get_model(self.model_label)


CITABLE = {
    "petition": Citable(
        "petition",
        "petitions.Petition",
        gettext_lazy("信访件"),
        "bi-envelope-paper",
        "petitions.view_petition",
        ("township",),
    ),
    "suggestion": Citable(
        "suggestion", "deputies.Suggestion", gettext_lazy("代表建议"), "bi-lightbulb", "deputies.view_suggestion"
    ),
}
CITABLE_BY_LABEL = {c.model_label.lower(): c for c in CITABLE.values()}

DOCUMENT_KINDS = {"incoming": IncomingDocument, "outgoing": OutgoingDocument}
DOCUMENT_PERMISSIONS = {
    IncomingDocument: "documents.view_incomingdocument",
    OutgoingDocument: "documents.view_outgoingdocument",
}

NUMBER = re.compile(
    r"^\s*(?P<prefix>[^\d〔\[［(（【]*?)\s*[〔\[［(（【]?\s*(?P<year>\d{4})\s*[〕\]］)）】]?\s*[年\-—/.．、\s]*"
    r"第?\s*(?P<sequence>\d{1,7})\s*号?\s*$"
)


def citable_of(record):
    return CITABLE_BY_LABEL.get(record._meta.label_lower)


def is_document(record):
    return isinstance(record, IncomingDocument | OutgoingDocument)


def document_key(document):
    """incoming:12 / outgoing:7, as the add form's ?document= parameter takes it."""
    kind = "incoming" if isinstance(document, IncomingDocument) else "outgoing"
    return f"{kind}:{document.pk}"


def document_from_key(key, user):
    """The document named by `incoming:12` / `outgoing:7` among those the user may see, or None."""
    kind, _sep, pk = (key or "").partition(":")
    model = DOCUMENT_KINDS.get(kind)
    if model is None or not pk.isdigit():
        return None
    related = ("township", "issuing_body") if model is OutgoingDocument else ("township",)
    return model.objects.visible_to(user).select_related(*related).filter(pk=int(pk)).first()


def parse_number(text):
    """(prefix, year, sequence) of a record number as a clerk types it, or None."""
    match = NUMBER.match(text or "")
    if not match:
        return None
    return match["prefix"].strip(), int(match["year"]), int(match["sequence"])


def find_citable(*, township, kind, number, user):
    """The petition or suggestion numbered `number` in `township`, as `user` sees it."""
    citable = CITABLE.get(kind)
    if citable is None:
        raise ValidationError({"kind": _("请选择关联的记录类型。")})
    parsed = parse_number(number)
    if parsed is None:
        raise ValidationError({"number": _("请按“青信〔2026〕5号”或“2026-5”的格式填写编号。")})
    prefix, year, sequence = parsed
    if kind == "petition":
        expected = _("%(t)s信") % {"t": township.name[:1]}
        if prefix and prefix != expected:
            raise ValidationError(
                {
                    "number": _("%(n)s 不是本乡镇的信访件编号（本乡镇为“%(e)s〔年度〕序号号”）。")
                    % {"n": number, "e": expected}
                }
            )
    elif prefix and prefix != _("建议"):
        raise ValidationError({"number": _("代表建议的编号形如“建议〔2026〕3号”。")})
    record = (
        citable.model.objects.visible_to(user)
        .select_related(*citable.select_related)
        .filter(township=township, year=year, sequence=sequence)
        .first()
    )
    if record is None:
        raise ValidationError(
            {
                "number": _("本乡镇没有编号为 %(y)s 年第 %(n)s 号的%(k)s。")
                % {"y": year, "n": sequence, "k": citable.kind}
            }
        )
    return record


def _check_actor(document, by, permission):
    if not by.has_perm(permission) or by.township_id is None or by.township_id != document.township_id:
        raise PermissionDenied(_("只有本乡镇人大办工作人员可以关联公文。"))
    if not type(document).objects.visible_to(by).filter(pk=document.pk).exists():
        raise PermissionDenied(_("您不能查看该公文。"))


def _describe(record):
    return str(getattr(record, "number", "") or record)


@transaction.atomic
def citation_add(*, document, record, by, relation, note=""):
    """A petition or a suggestion of the document's township cites the document."""
    _check_actor(document, by, "documents.add_documentcitation")
    citable = citable_of(record)
    if citable is None:
        raise ValidationError(_("只能关联信访件或代表建议。"))
    if record.township_id != document.township_id:
        raise ValidationError(_("只能关联本乡镇的信访件或代表建议。"))
    relation = (relation or "").strip()
    if not relation:
        raise ValidationError({"relation": _("请填写关联关系（如“答复批复”“转办函”）。")})
    if len(relation) > 30:
        raise ValidationError({"relation": _("关联关系最多 30 个字。")})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("说明最多 200 个字。")})
    citation = DocumentCitation(
        township_id=document.township_id,
        cited_by_type=ContentType.objects.get_for_model(record),
        cited_by_id=record.pk,
        relation=relation,
        note=note,
        created_by=by,
        **{"incoming" if isinstance(document, IncomingDocument) else "outgoing": document},
    )
    citation._history_user = by
    try:
        with transaction.atomic():
            citation.save()
    except IntegrityError:
        raise ValidationError({"number": _("%(r)s 已关联本公文。") % {"r": _describe(record)}}) from None
    case_event(
        item=document,
        action="cite",
        label=Message(gettext_noop("关联%(k)s"), k=citable.kind),
        by=by,
        note=f"{_describe(record)}（{relation}）",
        data={"citation_id": citation.pk, "record": _describe(record), "relation": relation},
    )
    return citation


@transaction.atomic
def citation_remove(*, citation, by, reason=""):
    """Withdraw a link made by mistake: kept with who and when, no longer listed."""
    citation = (
        DocumentCitation.objects.select_for_update(of=("self",))
        .select_related("incoming", "outgoing")
        .get(pk=citation.pk)
    )
    document = citation.document
    _check_actor(document, by, "documents.change_documentcitation")
    if citation.removed_at is not None:
        raise ValidationError(_("该关联已取消。"))
    citation.removed_at, citation.removed_by = timezone.now(), by
    citation._history_user = by
    citation.save(update_fields=["removed_at", "removed_by"])
    record = citation.cited_by
    case_event(
        item=document,
        action="uncite",
        label=Message(gettext_noop("取消关联")),
        by=by,
        note=f"{_describe(record) if record else ''}（{citation.relation}）{(reason or '').strip()}",
        data={"citation_id": citation.pk},
    )
    return citation


# --- the registry provider ------------------------------------------------------------------------


def _document_label(document):
    number = document.number or _("未编号")
    return f"{number} {document.title}"


def cited_documents(record, user):
    """The documents `record` cites that `user` may see: one query."""
    visible = Q()
    for model, permission in DOCUMENT_PERMISSIONS.items():
        if user.has_perm(permission):
            field = "incoming" if model is IncomingDocument else "outgoing"
            visible |= Q(**{f"{field}__in": model.objects.visible_to(user).values("pk")})
    if not visible:
        return []
    rows = (
        DocumentCitation.objects.active()
        .citing(record)
        .filter(visible)
        .select_related("incoming", "outgoing__issuing_body")
    )
    links = []
    for row in rows:
        document = row.document
        incoming = row.incoming_id is not None
        links.append(
            {
                "label": _document_label(document),
                "url": document.get_absolute_url(),
                "relation": row.relation,
                "kind": _("收文") if incoming else _("发文"),
                "icon": "bi-inbox" if incoming else "bi-send",
                "secrecy": document.secrecy_mark,
            }
        )
    return links


def citing_records(document, user, *, with_citation=False):
    """The petitions and suggestions citing `document` that `user` may see: at most one query
    for the links and one per kind of record."""
    rows = list(DocumentCitation.objects.active().of_document(document).select_related("created_by"))
    if not rows:
        return []
    by_type = {}
    for row in rows:
        by_type.setdefault(row.cited_by_type_id, []).append(row.cited_by_id)
    found = {}
    for type_id, ids in by_type.items():
        citable = CITABLE_BY_LABEL.get(ContentType.objects.get_for_id(type_id).model_class()._meta.label_lower)
        if citable is None or not user.has_perm(citable.view_permission):
            continue
        records = citable.model.objects.visible_to(user).select_related(*citable.select_related).filter(pk__in=ids)
        for record in records:
            found[(type_id, record.pk)] = (citable, record)
    links = []
    for row in rows:
        hit = found.get((row.cited_by_type_id, row.cited_by_id))
        if hit is None:
            continue
        citable, record = hit
        link = {
            "label": f"{_describe(record)} {record.title}",
            "url": record.get_absolute_url(),
            "relation": row.relation,
            "kind": str(citable.kind),
            "icon": citable.icon,
        }
        if with_citation:
            link["citation"] = row
        links.append(link)
    return links


def record_links(record, user):
    """The `record_links` provider of the documents app."""
    if is_document(record):
        return citing_records(record, user, with_citation=True)
    if citable_of(record) is None:
        return []
    return cited_documents(record, user)
