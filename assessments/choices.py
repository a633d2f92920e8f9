from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("领导干部")


class CadreGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASICALLY = "basically", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class TeamGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


GRADES = {SubjectKind.CADRE: CadreGrade, SubjectKind.TEAM: TeamGrade}
EXCELLENT = "excellent"


class CorrectionState(models.TextChoices):
    REQUESTED = "requested", _("待批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不批准")


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("准备中")
    DRAWN = "drawn", _("已抽样")
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已结束")


class PersonKind(models.TextChoices):
    DEPUTY = "deputy", _("人大代表")
    PARTY = "party", _("党代表")
    CPPCC = "cppcc", _("政协委员")


class Rating(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")
