"""The petitioner's phone and ID number in full: only for the township's clerks and chairs
(petitions.view_personal_data, same township), and every full view is logged."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import PersonalDataAccess

PERSONAL_FIELDS = ("phone", "id_number")


def can_view_personal_data(user, petition):
    """Township staff holding the permission (clerks and chairs); county-wide accounts, even
    an administrator, see masked values: the township office answers for its petitioners."""
    return (
        user.is_authenticated
        and user.has_perm("petitions.view_personal_data")
        and user.township_id is not None
        and user.township_id == petition.township_id
    )


@transaction.atomic
def personal_data_reveal(*, petition, user, ip_address=None) -> dict:
    """The full values of the personal fields the petition has, after logging who saw them."""
    if not can_view_personal_data(user, petition):
        raise PermissionDenied(_("您无权查看信访人的完整个人信息。"))
    values = {name: getattr(petition, name) for name in PERSONAL_FIELDS if getattr(petition, name)}
    if not values:
        raise ValidationError(_("该信访件没有登记联系电话或身份证号。"))
    PersonalDataAccess.objects.create(
        petition=petition,
        user=user,
        fields=",".join(values),
        ip_address=ip_address or None,
    )
    return values


def personal_data_accesses(petition, limit=20):
    return list(petition.personal_data_accesses.select_related("user")[:limit])
