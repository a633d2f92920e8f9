"""Deputies' phone and ID number in full: only for the township's clerks and chairs
(deputies.view_contact, same township), and every full view is logged (DeputyContactAccess): a
reveal on the detail page, an export of the register, the full copy of an archived 履职档案.
Everyone else, and every list, sees them masked."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ContactAccessKind, Deputy, DeputyContactAccess

CONTACT_FIELDS = ("phone", "id_number")


def can_view_deputy_contact(user, deputy=None, *, township_id=None):
    """Township staff holding deputies.view_contact (clerks and chairs) for their township's
    deputies; county-wide accounts, even an administrator, see masked values."""
    township_id = deputy.township_id if deputy is not None else township_id
    return (
        user.is_authenticated
        and user.has_perm("deputies.view_contact")
        and user.township_id is not None
        and user.township_id == township_id
    )


@transaction.atomic
def deputy_contact_reveal(*, deputy: Deputy, user, ip_address=None, kind=ContactAccessKind.VIEW) -> dict:
    """The full values of the deputy's phone and ID number, after logging who saw them."""
    if not can_view_deputy_contact(user, deputy):
        raise PermissionDenied(_("您无权查看代表的完整联系电话和身份证号。"))
    values = {name: getattr(deputy, name) for name in CONTACT_FIELDS if getattr(deputy, name)}
    if not values:
        raise ValidationError(_("该代表没有登记联系电话或身份证号。"))
    DeputyContactAccess.objects.create(
        deputy=deputy,
        township_id=deputy.township_id,
        user=user,
        kind=kind,
        fields=",".join(values),
        ip_address=ip_address or None,
    )
    return values


def deputy_contact_export_logged(*, user, rows, query=""):
    """Log an export of `rows` deputies with their numbers in full (one row per export)."""
    DeputyContactAccess.objects.create(
        township_id=user.township_id,
        user=user,
        kind=ContactAccessKind.EXPORT,
        fields=",".join(CONTACT_FIELDS),
        detail=(_("导出代表名册 %(n)s 人") % {"n": rows} + (f"（{query}）" if query else ""))[:200],
    )


def deputy_contact_accesses(deputy, limit=10):
    return list(deputy.contact_accesses.select_related("user")[:limit])
