from django.db import models
from django.utils.translation import gettext_lazy as _

from congress_office.cases import CaseState


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网上")
    FAX = "fax", _("传真")
    DEPUTY = "deputy", _("代表转交")


class Category(models.TextChoices):
    SUGGESTION = "suggestion", _("建议意见类")
    ACCUSATION = "accusation", _("检举控告类")
    APPEAL = "appeal", _("申诉求决类")


class PetitionState(models.TextChoices):
    REGISTERED = CaseState.REGISTERED.value, _("待受理")
    ACCEPTED = "accepted", _("已受理待交办")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    OUTSIDE_REMIT = "outside_remit", _("不属本机关职权待转送")
    TRANSFERRED_OUT = "transferred_out", _("已转送有权机关")
    ASSIGNED = CaseState.ASSIGNED.value, _("办理中")
    REPLIED = CaseState.REPLIED.value, _("已答复")
    REOPENED = CaseState.REOPENED.value, _("重新办理")
    CLOSED = CaseState.CLOSED.value, _("已办结")
    REVIEWING = "reviewing", _("复查中")
    RECHECKING = "rechecking", _("复核中")
    FINAL = "final", _("复核终结")


class Outcome(models.TextChoices):
    SUPPORT = "support", _("支持")
    EXPLAIN = "explain", _("解释说明")
    REJECT = "reject", _("不予支持")


class ReviewKind(models.TextChoices):
    REVIEW = "review", _("复查")
    RECHECK = "recheck", _("复核")
