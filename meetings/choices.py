from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    SESSION = "session", _("人民代表大会会议")
    EXTRA_SESSION = "extra", _("人民代表大会临时会议")
    PRESIDIUM = "presidium", _("主席团会议")


SESSION_KINDS = (MeetingKind.SESSION, MeetingKind.EXTRA_SESSION)


class ConvenedBy(models.TextChoices):
    PLAN = "plan", _("例会")
    PRESIDIUM = "presidium", _("主席团决定")
    DEPUTIES = "deputies", _("五分之一以上代表提议")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    NOTIFIED = "notified", _("已通知")
    SIGNING_IN = "signing_in", _("签到中")
    OPEN = "open", _("会议进行中")
    CLOSED = "closed", _("已闭会")


class AttendanceStatus(models.TextChoices):
    EXPECTED = "", _("未签到")
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class LeaveState(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("待批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不批准")


class SignInVia(models.TextChoices):
    CLERK = "clerk", _("工作人员登记")
    PHONE = "phone", _("手机签到")


class VoteMethod(models.TextChoices):
    HANDS = "hands", _("举手表决")
    PAPER = "paper", _("书面表决")
    PHONE = "phone", _("手机表决（公开）")
    SECRET = "secret", _("无记名投票")


class VoteState(models.TextChoices):
    OPEN = "open", _("表决中")
    CLOSED = "closed", _("已结束")


class Choice(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class MotionKind(models.TextChoices):
    ORDINARY = "ordinary", _("议案")
    INQUIRY = "inquiry", _("质询案")
    RECALL = "recall", _("罢免案")


class MotionSource(models.TextChoices):
    PRESIDIUM = "presidium", _("主席团")
    GOVERNMENT = "government", _("乡镇人民政府")
    DEPUTIES = "deputies", _("代表联名")


class MotionState(models.TextChoices):
    SIGNING = "signing", _("征集联名")
    SUBMITTED = "submitted", _("待主席团决定")
    LISTED = "listed", _("列入议程")
    NOT_LISTED = "not_listed", _("不列入议程")
    AS_SUGGESTION = "as_suggestion", _("作为建议处理")
    WITHDRAWN = "withdrawn", _("已撤回")
    PASSED = "passed", _("表决通过")
    FAILED = "failed", _("未通过")


class DocumentPurpose(models.TextChoices):
    """The meeting's own documents, drafted in the documents app."""

    NOTICE = "notice", _("会议通知")
    REQUEST = "request", _("会前请示")
    REPORT = "report", _("会后报告")
    MINUTES = "minutes", _("会议纪要")


class ProjectSource(models.TextChoices):
    GOVERNMENT = "government", _("乡镇人民政府提出")
    DEPUTIES = "deputies", _("代表提出")


class ProjectState(models.TextChoices):
    CANDIDATE = "candidate", _("候选项目")
    CHOSEN = "chosen", _("票决确定")
    NOT_CHOSEN = "not_chosen", _("未获通过")
    DONE = "done", _("已完成")


class OpinionState(models.TextChoices):
    REGISTERED = "registered", _("待交办")
    ASSIGNED = "assigned", _("落实中")
    REPLIED = "replied", _("已反馈")
    CLOSED = "closed", _("已办结")
