"""The petition's case type on the core's handling engine (信访工作条例)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from congress_office.cases import CaseType, Clock, Transition
from congress_office.models import DeadlineRule

from .choices import PetitionState as S

HANDLING = (S.ASSIGNED, S.REOPENED)


def petition_case_type():
    return CaseType(
        key="petitions.petition",
        label=_("信访件"),
        states=dict(S.choices),
        transitions={
            "accept": Transition(_("受理"), (S.REGISTERED,), S.ACCEPTED, "petitions.decide_petition"),
            "not_accept": Transition(_("不予受理"), (S.REGISTERED,), S.NOT_ACCEPTED, "petitions.decide_petition"),
            "transfer_out": Transition(
                _("转送有权机关"), (S.REGISTERED,), S.TRANSFERRED_OUT, "petitions.decide_petition"
            ),
            "assign": Transition(_("交办"), (S.ACCEPTED,), S.ASSIGNED, "petitions.assign_petition"),
            "transfer": Transition(_("转办"), (S.ACCEPTED,), S.ASSIGNED, "petitions.assign_petition"),
            "extend": Transition(_("延期"), HANDLING, S.ASSIGNED, "petitions.extend_petition"),
            "supervise": Transition(_("督办"), HANDLING, S.ASSIGNED, "petitions.supervise_petition"),
            "reply": Transition(_("答复"), HANDLING, S.REPLIED, "petitions.reply_petition"),
            "reopen": Transition(_("重新办理"), (S.REPLIED,), S.REOPENED),
            "close": Transition(_("办结"), (S.REPLIED,), S.CLOSED),
            "request_review": Transition(
                _("申请复查"), (S.REPLIED, S.CLOSED), S.REVIEWING, "petitions.register_petition"
            ),
            "decide_review": Transition(_("复查决定"), (S.REVIEWING,), S.CLOSED, "petitions.decide_petition"),
            "request_recheck": Transition(_("申请复核"), (S.CLOSED,), S.RECHECKING, "petitions.register_petition"),
            "decide_recheck": Transition(_("复核决定"), (S.RECHECKING,), S.FINAL, "petitions.decide_petition"),
        },
        clocks={
            "acceptance": Clock(DeadlineRule.CALENDAR_DAYS, settings.PETITION_ACCEPTANCE_DAYS, _("受理告知")),
            "handling": Clock(DeadlineRule.CALENDAR_DAYS, settings.PETITION_HANDLING_DAYS, _("信访办理")),
            "reopened": Clock(DeadlineRule.CALENDAR_DAYS, settings.PETITION_REOPEN_DAYS, _("重新办理")),
            "review": Clock(DeadlineRule.CALENDAR_DAYS, settings.PETITION_REVIEW_DECISION_DAYS, _("复查决定")),
            "recheck": Clock(DeadlineRule.CALENDAR_DAYS, settings.PETITION_REVIEW_DECISION_DAYS, _("复核决定")),
        },
        max_extension_days=settings.PETITION_MAX_EXTENSION_DAYS,
    )
