"""审议意见 on the handling engine: registered from a presidium meeting, assigned to a unit on a
clock (OPINION_ANSWER_MONTHS), supervised, answered by the unit, rated by the presidium."""

from django.utils.translation import gettext_lazy as _

from congress_office.cases import CaseType, Clock, Transition, UnitRule
from congress_office.models import DeadlineRule

from .choices import OpinionState as S

RUN = "meetings.run_meeting"
DECIDE = "meetings.decide_meeting"


def opinion_case_type():
    return CaseType(
        key="meetings.opinion",
        label=_("审议意见"),
        states=dict(S.choices),
        transitions={
            "assign": Transition(_("交办"), (S.REGISTERED,), S.ASSIGNED, RUN),
            "supervise": Transition(_("督办"), (S.ASSIGNED,), None, (RUN, DECIDE)),
            "reply": Transition(
                _("反馈落实情况"), (S.ASSIGNED,), S.REPLIED, (RUN, "meetings.reply_opinion"), UnitRule.LEAD
            ),
            "rate": Transition(_("主席团评价"), (S.REPLIED,), S.CLOSED, DECIDE),
        },
        clocks={"handling": Clock(DeadlineRule.MONTHS, "OPINION_ANSWER_MONTHS", _("审议意见落实"), handling=True)},
        closed_states=(S.CLOSED,),
    )
