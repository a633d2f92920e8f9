"""The subject taxonomy (信访事项分类): shared subjects for the whole county (added by an
administrator) and each township office's own."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Subject


@transaction.atomic
def subject_create(*, name, by, township=None) -> Subject:
    """Add a subject. A township user adds one for their own township; a county-wide user
    (administrator) may add a shared one (township=None) or one for a township."""
    if not by.has_perm("petitions.add_subject"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if not by.is_county_wide:
        if by.township_id is None or (township is not None and township.pk != by.township_id):
            raise PermissionDenied(_("只能为本乡镇添加事项分类。"))
        township = by.township
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("请填写分类名称。")})
    clash = Subject.objects.filter(name=name)
    clash = (
        clash.filter(township__isnull=True)
        if township is None
        else clash.filter(Q(township__isnull=True) | Q(township=township))
    )
    if clash.exists():
        raise ValidationError({"name": _("已有同名的事项分类“%(name)s”。") % {"name": name}})
    subject = Subject(township=township, name=name)
    subject.full_clean()
    subject._history_user = by
    subject.save()
    return subject
