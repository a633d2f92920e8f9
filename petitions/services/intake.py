"""Taking a petition in: registration with its attachments, from the office's form (any
channel, or a deputy's reception visit turned into a petition) and from the public form."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import Channel
from ..models import PetitionAttachment
from ..validators import validate_attachment_count, validate_petition_attachment
from .registration import petition_register

VISIT_FOLLOW_UP_KIND = "petition"


def _link_visit(*, visit, petition, by):
    from deputies.models import ReceptionVisit

    visit = ReceptionVisit.objects.select_for_update().select_related("reception_day").get(pk=visit.pk)
    if visit.reception_day.township_id != petition.township_id:
        raise ValidationError(_("该接待记录不属于本乡镇。"))
    if visit.follow_up_kind:
        raise ValidationError(_("该接待记录已转办，不能重复登记。"))
    visit.follow_up_kind, visit.follow_up_id = VISIT_FOLLOW_UP_KIND, petition.pk
    if by is not None:
        visit._history_user = by
    visit.save(update_fields=["follow_up_kind", "follow_up_id"])


def _store_attachments(petition, files):
    for upload in files:
        PetitionAttachment.objects.create(
            petition=petition,
            file=upload,
            name=str(upload.name)[:200],
            size=upload.size or 0,
        )


@transaction.atomic
def petition_intake(*, files=(), visit=None, **register_kwargs):
    """Register a petition (petition_register's arguments) with its attachments; a petition
    made from a reception visit marks the visit as followed up. Returns (petition, query_code).

    The files are written last, after every check has passed, so a refused registration
    leaves nothing in the storage."""
    files = list(files or ())
    validate_attachment_count(files)
    # the forms have cleaned them already (then this is free): what is stored is what was checked
    files = [validate_petition_attachment(upload) or upload for upload in files]
    petition, code = petition_register(**register_kwargs)
    if visit is not None:
        _link_visit(visit=visit, petition=petition, by=register_kwargs.get("by"))
    _store_attachments(petition, files)
    return petition, code


def petition_submit_online(*, township, files=(), **fields):
    """A citizen's petition through the public page (no account): channel 网上, received
    today, with a query code for following it."""
    if not township.is_active:
        raise ValidationError({"township": _("请选择乡镇。")})
    return petition_intake(
        township=township,
        by=None,
        channel=Channel.ONLINE,
        received_on=timezone.localdate(),
        with_query_code=True,
        files=files,
        **fields,
    )
