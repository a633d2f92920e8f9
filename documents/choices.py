"""The vocabularies of official documents (党政机关公文处理工作条例, GB/T 9704-2012)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocType(models.TextChoices):
    """The 15 types of Art.8 of the 2012 regulation."""

    RESOLUTION = "resolution", _("决议")
    DECISION = "decision", _("决定")
    ORDER = "order", _("命令（令）")
    COMMUNIQUE = "communique", _("公报")
    ANNOUNCEMENT = "announcement", _("公告")
    PUBLIC_NOTICE = "public_notice", _("通告")
    OPINION = "opinion", pgettext_lazy("document type", "意见")
    NOTICE = "notice", pgettext_lazy("document type", "通知")
    CIRCULAR = "circular", _("通报")
    REPORT = "report", _("报告")
    REQUEST = "request", _("请示")
    REPLY = "reply", _("批复")
    MOTION = "motion", _("议案")
    LETTER = "letter", _("函")
    MINUTES = "minutes", _("纪要")


# upward documents carry the 签发人 in the header (GB/T 9704 7.2.4)
UPWARD_TYPES = (DocType.REQUEST, DocType.REPORT)


class Secrecy(models.TextChoices):
    NONE = "", _("非密")
    SECRET = "secret", _("秘密")
    CONFIDENTIAL = "confidential", _("机密")
    TOP_SECRET = "top_secret", _("绝密")


# the clearance a user needs to see a document of each level
SECRECY_LEVEL = {Secrecy.NONE: 0, Secrecy.SECRET: 1, Secrecy.CONFIDENTIAL: 2, Secrecy.TOP_SECRET: 3}


class Urgency(models.TextChoices):
    NORMAL = "", _("平件")
    URGENT = "urgent", _("加急")
    VERY_URGENT = "very_urgent", _("特急")


class IncomingState(models.TextChoices):
    """签收 → 登记 → 初审 → 承办 (拟办, 批办, 交办) → 传阅 → 催办 → 答复 / 办结 → 归档."""

    RECEIVED = "received", _("已签收待登记")
    REGISTERED = "registered", _("已登记待初审")
    RETURNED = "returned", _("已退文")
    CHECKED = "checked", _("已初审待拟办")
    PROPOSED = "proposed", _("已拟办待批办")
    INSTRUCTED = "instructed", _("已批办待交办")
    ASSIGNED = "assigned", _("承办中")
    CLOSED = "closed", _("已办结")


class OutgoingState(models.TextChoices):
    """起草 → 核稿 → 签发 → (复核) → 登记 → 印制 → 用印 → 核发 → 归档."""

    DRAFT = "draft", _("起草中")
    REVIEWING = "reviewing", _("待核稿")
    SIGNING = "signing", _("待签发")
    SIGNED = "signed", _("已签发待登记")
    NUMBERED = "numbered", _("已编号待印制")
    PRINTED = "printed", _("已印制待用印")
    SEALED = "sealed", _("已用印待核发")
    DISPATCHED = "dispatched", _("已核发")
