from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Affiliation(models.TextChoices):
    CPC = "cpc", _("中共党员")
    CPC_PROBATIONARY = "cpc_prob", _("中共预备党员")
    CYL = "cyl", _("共青团员")
    DEMOCRATIC_PARTY = "dem", _("民主党派")
    NONE = "mass", _("群众")


class DeputyStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    SUSPENDED = "suspended", _("暂停执行代表职务")
    TERMINATED = "terminated", _("代表资格终止")


class Position(models.TextChoices):
    NONE = "", _("无")
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")


class ActivityType(models.TextChoices):
    INSPECTION = "inspection", _("视察")
    LAW_ENFORCEMENT = "enforcement", _("执法检查")
    RESEARCH = "research", _("专题调研")
    CONTACT_VOTERS = "contact", _("联系选民")
    RECEIVE_VOTERS = "reception", _("接待选民")
    GROUP = "group", _("代表小组活动")
    TRAINING = "training", _("培训")
    REPORT = "report", _("述职")
    EVALUATION = "evaluation", _("评议站所")
    APPOINTMENT = "appointment", _("约见")
    OTHER = "other", _("其他")


class ActivityStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")
