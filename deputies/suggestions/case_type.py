"""The suggestion's case type on the core's handling engine (代表法 Art.51)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from congress_office.cases import CaseType, Clock, Transition
from congress_office.models import DeadlineRule

from .models import SuggestionState as S

HANDLING = (S.ASSIGNED, S.REOPENED)


def require_consultation(item):
    """A unit answers only after it has consulted the deputies in this round (面商)."""
    if not item.consultations.filter(round=item.round).exists():
        raise ValidationError(_gettext("答复前须先与代表面商，并登记面商情况（时间、方式、参加人员）。"))


def signer_users(item):
    return [s.deputy.user for s in item.signers.select_related("deputy__user") if s.deputy.user_id]


def all_signers_rated(item):
    from django.contrib.contenttypes.models import ContentType

    from congress_office.models import CaseRating

    rated = CaseRating.objects.filter(
        item_type=ContentType.objects.get_for_model(item), item_id=item.pk, reply__round=item.round
    ).count()
    return rated >= item.signers.count()


def suggestion_case_type():
    return CaseType(
        key="deputies.suggestion",
        label=_("代表建议"),
        states=dict(S.choices),
        transitions={
            "assign": Transition(_("交办"), (S.REGISTERED,), S.ASSIGNED, "deputies.assign_suggestion"),
            "extend": Transition(_("延期"), HANDLING, S.ASSIGNED, "deputies.extend_suggestion"),
            "supervise": Transition(_("督办"), HANDLING, S.ASSIGNED, "deputies.supervise_suggestion"),
            "reply": Transition(_("答复"), HANDLING, S.REPLIED, "deputies.reply_suggestion"),
            "reopen": Transition(_("不满意，重新办理"), (S.REPLIED,), S.REOPENED),
            "close": Transition(_("办结"), (S.REPLIED,), S.CLOSED),
        },
        clocks={
            "handling": Clock(DeadlineRule.MONTHS, settings.SUGGESTION_ANSWER_MONTHS, _("建议答复")),
            "handling_hard": Clock(
                DeadlineRule.MONTHS, settings.SUGGESTION_HARD_ANSWER_MONTHS, _("建议答复（难度大）")
            ),
            "co_input": Clock(DeadlineRule.MONTHS, settings.SUGGESTION_CO_INPUT_MONTHS, _("协办意见")),
            "feedback": Clock(DeadlineRule.WORKING_DAYS, settings.SUGGESTION_FEEDBACK_WORKING_DAYS, _("代表反馈意见")),
            "reopened": Clock(DeadlineRule.MONTHS, settings.SUGGESTION_REOPEN_MONTHS, _("重新办理答复")),
        },
        before_reply=require_consultation,
        concerned_users=signer_users,
        all_rated=all_signers_rated,
    )
