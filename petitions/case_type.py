"""The petition's case type on the core's handling engine (信访工作条例).

Who may take each step, and from which states, is declared here once; the engine checks it for
every step (congress_office.services.cases.case_check). The numbers are settings' names, read
when a clock opens or an extension is asked for.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from congress_office.cases import CaseType, Clock, CoHandling, Extension, Rating, Transition, UnitRule
from congress_office.models import DeadlineRule

from .choices import PetitionState as S

HANDLING = (S.ASSIGNED, S.REOPENED)
# a leader may instruct on, or take ownership of, a petition until it is finished
LEADER_STATES = (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.REOPENED, S.REVIEWING, S.RECHECKING)
COMPLETION_STATES = (S.REPLIED, S.CLOSED, S.FINAL)
RETURN_VISIT_STATES = (S.CLOSED, S.FINAL)

DECIDE = "petitions.decide_petition"
REGISTER = "petitions.register_petition"
REPLY = "petitions.reply_petition"
EXTEND = "petitions.extend_petition"


def _petitioner(item):
    return [("citizen", item.petitioner)]


def _rehandle_on_unsatisfied(item):
    return settings.PETITION_REHANDLE_ON_UNSATISFIED


def _extension_notice(item, extension, by):
    from .services.handling import petition_extension_approved

    petition_extension_approved(petition=item, extension=extension, by=by)


def petition_case_type():
    return CaseType(
        key="petitions.petition",
        label=_("信访件"),
        states=dict(S.choices),
        transitions={
            "accept": Transition(_("受理"), (S.REGISTERED,), S.ACCEPTED, DECIDE),
            "not_accept": Transition(_("不予受理"), (S.REGISTERED,), S.NOT_ACCEPTED, DECIDE),
            "mark_outside_remit": Transition(_("不属本机关职权"), (S.REGISTERED,), S.OUTSIDE_REMIT, DECIDE),
            "transfer_out": Transition(_("转送有权机关"), (S.REGISTERED, S.OUTSIDE_REMIT), S.TRANSFERRED_OUT, DECIDE),
            "assign": Transition(_("交办"), (S.ACCEPTED,), S.ASSIGNED, "petitions.assign_petition"),
            "transfer": Transition(_("转办"), (S.ACCEPTED,), S.ASSIGNED, "petitions.assign_petition"),
            "co_input": Transition(_("提交协办意见"), HANDLING, None, REPLY, UnitRule.CO),
            "request_extension": Transition(_("申请延期"), HANDLING, None, (EXTEND, REPLY), UnitRule.LEAD),
            "approve_extension": Transition(_("批准延期"), HANDLING, None, "core.approve_extension"),
            "refuse_extension": Transition(_("不批准延期"), HANDLING, None, "core.approve_extension"),
            "supervise": Transition(_("督办"), HANDLING, None, "petitions.supervise_petition"),
            "reply": Transition(_("答复"), HANDLING, S.REPLIED, REPLY, UnitRule.LEAD),
            "rate": Transition(_("评价"), (S.REPLIED,), None, REGISTER, public=True),
            "reopen": Transition(_("重新办理"), (S.REPLIED,), S.REOPENED, internal=True),
            "close": Transition(_("办结"), (S.REPLIED,), S.CLOSED, internal=True),
            "request_review": Transition(_("申请复查"), (S.REPLIED, S.CLOSED), S.REVIEWING, REGISTER, public=True),
            "decide_review": Transition(_("复查决定"), (S.REVIEWING,), S.CLOSED, DECIDE),
            "request_recheck": Transition(_("申请复核"), (S.CLOSED,), S.RECHECKING, REGISTER, public=True),
            "decide_recheck": Transition(_("复核决定"), (S.RECHECKING,), S.FINAL, DECIDE),
            "instruct": Transition(_("领导批示"), LEADER_STATES, None, "petitions.instruct_petition"),
            "take_ownership": Transition(_("领导包案"), LEADER_STATES, None, "petitions.instruct_petition"),
            "completion_report": Transition(_("办结报告"), COMPLETION_STATES, None, REPLY, UnitRule.LEAD),
            "return_visit": Transition(_("回访"), RETURN_VISIT_STATES, None, REGISTER),
        },
        clocks={
            "acceptance": Clock(DeadlineRule.CALENDAR_DAYS, "PETITION_ACCEPTANCE_DAYS", _("受理告知")),
            "objection": Clock(DeadlineRule.WORKING_DAYS, "PETITION_OBJECTION_WORKING_DAYS", _("提出异议或转送")),
            "handling": Clock(DeadlineRule.CALENDAR_DAYS, "PETITION_HANDLING_DAYS", _("信访办理"), handling=True),
            "reopened": Clock(DeadlineRule.CALENDAR_DAYS, "PETITION_REOPEN_DAYS", _("重新办理"), handling=True),
            "review": Clock(DeadlineRule.CALENDAR_DAYS, "PETITION_REVIEW_DECISION_DAYS", _("复查决定")),
            "recheck": Clock(DeadlineRule.CALENDAR_DAYS, "PETITION_REVIEW_DECISION_DAYS", _("复核决定")),
        },
        closed_states=(S.CLOSED,),
        co_handling=CoHandling(),
        # Art.34: extended once, by at most 30 days, by the head, telling the petitioner why
        extension=Extension(
            max_count=1,
            max_extra="PETITION_MAX_EXTENSION_DAYS",
            extra_rule=DeadlineRule.CALENDAR_DAYS,
            on_approved=_extension_notice,
        ),
        rating=Rating(raters=_petitioner, reopen_clock="reopened", reopens=_rehandle_on_unsatisfied),
        # a petition's title (信访事由) may name the petitioner: county accounts read only figures
        view_permission="petitions.view_petition",
    )
