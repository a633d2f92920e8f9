"""The suggestion's case type on the core's handling engine (代表法 Art.51).

Who may take each step, and from which states, is declared here once; the engine checks it
(congress_office.services.cases.case_check). The suggestion's own preconditions are hooks: the
unit answers only after 面商, and a signer rates only their own answer.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from congress_office.cases import CaseType, Clock, CoHandling, Extension, Rating, Transition, UnitRule
from congress_office.models import DeadlineRule
from congress_office.workdays import compute_due_date

from .models import SuggestionState as S

HANDLING = (S.ASSIGNED, S.REOPENED)


def require_consultation(item, by, **context):
    """A unit answers only after it has consulted the deputies in this round (面商)."""
    if not item.consultations.filter(round=item.round).exists():
        raise ValidationError(_gettext("答复前须先与代表面商，并登记面商情况（时间、方式、参加人员）。"))


def rater_key(deputy):
    return f"deputy:{deputy.pk}"


def signer_users(item):
    return [s.deputy.user for s in item.signers.select_related("deputy__user") if s.deputy.user_id]


def signer_raters(item):
    return [(rater_key(s.deputy), s.deputy.name) for s in item.signers.select_related("deputy")]


def signer_deputy_ids(item):
    """The signers' register ids, read once per loaded suggestion (signers never change after
    submission), so a page asking about every signer does not query once per signer."""
    ids = getattr(item, "_signer_deputy_ids", None)
    if ids is None:
        ids = remember_signers(item, item.signers.all())
    return ids


def remember_signers(item, signers):
    """Keep the signers' ids on the loaded suggestion, from SuggestionSigner rows already read."""
    item._signer_deputy_ids = frozenset(s.deputy_id for s in signers)
    return item._signer_deputy_ids


def rates_for(item, by, deputy=None, **context):
    """A signer rates their own answer; the office may record a signer's rating handed in on
    paper. Nobody else rates."""
    from . import access

    if deputy is None or deputy.pk not in signer_deputy_ids(item):
        raise PermissionDenied(_gettext("只有提出该建议的代表可以评价。"))
    own = access.own_deputy(by)
    if own is not None and own.pk == deputy.pk:
        if not by.has_perm("deputies.rate_suggestion"):
            raise PermissionDenied(_gettext("您没有评价代表建议的权限。"))
    elif not (access.is_office(by) and by.has_perm("deputies.change_suggestion")):
        raise PermissionDenied(_gettext("只有提出该建议的代表本人可以评价。"))


def answer_outer_limit(item, deadline):
    """代表法: an answer is due at most SUGGESTION_HARD_ANSWER_MONTHS after the assignment (of
    this round), extensions included."""
    months = settings.SUGGESTION_HARD_ANSWER_MONTHS
    latest = compute_due_date(deadline.start_date, DeadlineRule.MONTHS, months)
    return latest, _gettext("建议自交办之日起最长 %(n)s 个月内答复（含延期）") % {"n": months}


def suggestion_case_type():
    return CaseType(
        key="deputies.suggestion",
        label=_("代表建议"),
        states=dict(S.choices),
        transitions={
            "assign": Transition(_("交办"), (S.REGISTERED,), S.ASSIGNED, "deputies.assign_suggestion"),
            # the office records a co-handler's opinion sent on paper; a unit handler sends their own
            "co_input": Transition(_("协办意见"), HANDLING, None, "deputies.reply_suggestion", UnitRule.CO),
            "consult": Transition(_("面商"), HANDLING, None, "deputies.add_consultation", UnitRule.LEAD),
            "request_extension": Transition(
                _("申请延期"),
                HANDLING,
                None,
                ("deputies.extend_suggestion", "deputies.reply_suggestion"),
                UnitRule.LEAD,
            ),
            "approve_extension": Transition(_("批准延期"), HANDLING, None, "core.approve_extension"),
            "refuse_extension": Transition(_("不批准延期"), HANDLING, None, "core.approve_extension"),
            "supervise": Transition(_("督办"), HANDLING, None, "deputies.supervise_suggestion"),
            "reply": Transition(_("答复"), HANDLING, S.REPLIED, "deputies.reply_suggestion", UnitRule.LEAD),
            # a signer rates (rate_suggestion); the office records a paper rating (change_suggestion);
            # rates_for then checks whose rating it is
            "rate": Transition(
                _("评价"), (S.REPLIED,), None, ("deputies.rate_suggestion", "deputies.change_suggestion")
            ),
            "reopen": Transition(_("不满意，重新办理"), (S.REPLIED,), S.REOPENED, internal=True),
            "close": Transition(_("办结"), (S.REPLIED,), S.CLOSED, internal=True),
        },
        clocks={
            "handling": Clock(DeadlineRule.MONTHS, "SUGGESTION_ANSWER_MONTHS", _("建议答复"), handling=True),
            "handling_hard": Clock(
                DeadlineRule.MONTHS, "SUGGESTION_HARD_ANSWER_MONTHS", _("建议答复（难度大）"), handling=True
            ),
            "reopened": Clock(DeadlineRule.MONTHS, "SUGGESTION_REOPEN_MONTHS", _("重新办理答复"), handling=True),
            "co_input": Clock(DeadlineRule.MONTHS, "SUGGESTION_CO_INPUT_MONTHS", _("协办意见")),
            "feedback": Clock(DeadlineRule.WORKING_DAYS, "SUGGESTION_FEEDBACK_WORKING_DAYS", _("代表反馈意见")),
        },
        co_handling=CoHandling(clock="co_input"),
        extension=Extension(outer_limit=answer_outer_limit),
        rating=Rating(raters=signer_raters, feedback_clock="feedback", reopen_clock="reopened"),
        preconditions={"reply": require_consultation, "rate": rates_for},
        concerned_users=signer_users,
    )
