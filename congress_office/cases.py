"""The shared handling engine's vocabulary: what a case type declares.

Petitions (信访) and deputies' suggestions (代表建议) are both items assigned to a unit with
a statutory clock, extensions, supervision, a reply, a rating and reopening. Each case type
registers a CaseType in `congress_office.registries.case_types`; the services in
`congress_office.services.cases` enforce it. The core imports no app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    """States every case type shares; a type may add its own before or after these."""

    REGISTERED = "registered", _("已登记")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    REOPENED = "reopened", _("重新办理")
    CLOSED = "closed", _("已办结")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


@dataclass(frozen=True)
class Transition:
    label: str  # shown in the timeline and in refusals: “交办”
    sources: tuple  # states it may start from
    target: str  # state afterwards
    permission: str = ""  # "app.codename" the acting user needs ("" = checked by the service)


@dataclass(frozen=True)
class Clock:
    rule: str  # congress_office.models.DeadlineRule
    limit: int
    label: str


@dataclass
class CaseType:
    key: str  # "petitions.petition"
    label: str
    states: dict  # value → label, all states of the type
    transitions: dict  # action → Transition
    clocks: dict  # "handling", "reopened", "co_input", "feedback" … → Clock
    max_extension_days: int | None = None
    # hooks, each optional: (item) -> None or raises ValidationError
    before_reply: Callable | None = None
    # (item) -> list of users to tell about extensions and replies (the person it concerns)
    concerned_users: Callable | None = None
    # (item) -> bool: every rater has rated the current reply
    all_rated: Callable | None = None
    extra: dict = field(default_factory=dict)

    def state_label(self, value):
        return self.states.get(value, value)
