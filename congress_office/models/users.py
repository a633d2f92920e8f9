from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..roles import COUNTY_WIDE_ROLES, Role
from .places import Township, Unit


class UserQuerySet(models.QuerySet):
    def with_role(self, role):
        return self.filter(groups__name=role, is_active=True)

    def in_township(self, township_id):
        return self.filter(township_id=township_id)


class OfficeUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """An account. Roles are groups; a user belongs to one township unless county-wide."""

    name = models.CharField(_("姓名"), max_length=30, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("乡镇")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="handlers", verbose_name=_("承办单位")
    )
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=True)
    # the highest secrecy level of documents the user may see (set by an admin)
    clearance = models.PositiveSmallIntegerField(
        _("涉密等级"),
        choices=[(0, _("非涉密人员")), (1, _("可阅秘密")), (2, _("可阅机密")), (3, _("可阅绝密"))],
        default=0,
    )

    objects = OfficeUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    def clean(self):
        super().clean()
        if self.unit_id and self.township_id and self.unit.township_id != self.township_id:
            raise ValidationError({"unit": _("承办单位必须属于该用户所在乡镇。")})

    @cached_property
    def roles(self):
        """The set of role codes (group names) this user holds; one query, cached per request."""
        if not self.is_authenticated:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles):
        return self.is_superuser and Role.ADMIN in roles or bool(self.roles.intersection(roles))

    @property
    def is_county_wide(self):
        return self.is_superuser or bool(self.roles.intersection(COUNTY_WIDE_ROLES))

    @property
    def display_name(self):
        return self.name or self.username

    def role_labels(self):
        return [Role(r).label for r in Role.values if r in self.roles]
