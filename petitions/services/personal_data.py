"""The petitioner's phone and ID number in full: for the township's clerks and chairs
(petitions.view_personal_data, same township), and for the handler of a unit while its part of
the current round runs (it has to call the petitioner); every full view is logged, the same way."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..case_type import HANDLING as HANDLING_STATES
from ..choices import PetitionState
from ..models import PersonalDataAccess, Petition

PERSONAL_FIELDS = ("phone", "id_number")
# the lead unit's part runs while it handles the petition and until the petition is closed
LEAD_PART_STATES = (*HANDLING_STATES, PetitionState.REPLIED)


def can_view_personal_data(user, petition):
    """Township staff holding the permission (clerks and chairs), or a unit handler whose unit's
    part in the current round runs (unit_part_runs); county-wide accounts, even an
    administrator, see masked values: the township office answers for its petitioners."""
    if not user.is_authenticated or user.township_id is None or user.township_id != petition.township_id:
        return False
    if user.has_perm("petitions.view_personal_data"):
        return True
    return unit_part_runs(user, petition)


def unit_part_runs(user, petition):
    """Whether `user` handles, for their unit, a part of the petition's current round that has
    not ended: the lead unit while the petition is handled and until it is closed (the reply,
    the rating, the 办结报告 may need a call), a co-handling unit until it has sent its opinion
    (or the lead unit has replied). An earlier round's unit, or another unit, does not."""
    from congress_office.models import AssignmentRole, CaseAssignment
    from congress_office.roles import Role

    if not user.has_role(Role.UNIT_HANDLER) or not user.unit_id or user.township_id != petition.township_id:
        return False
    part = (
        CaseAssignment.objects.filter(
            item_type=ContentType.objects.get_for_model(Petition),
            item_id=petition.pk,
            round=petition.round,
            unit_id=user.unit_id,
        )
        .values("role", "input_at")
        .first()
    )
    if part is None:
        return False
    if part["role"] == AssignmentRole.LEAD:
        return petition.state in LEAD_PART_STATES
    return part["input_at"] is None and petition.state in HANDLING_STATES


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
