"""The shared handling engine's vocabulary: what a case type declares.

A case is an item assigned to a unit with a statutory clock: a petition (信访), a deputy's
suggestion (代表建议), and next an incoming document being handled or a deliberation opinion
being implemented. Each case type registers a CaseType in `congress_office.registries.case_types`
(see docs/handling.md); `congress_office.services.cases` enforces it. The core imports no app.

A type declares:
- its states and its transitions (steps), each with who may take it — a permission, the unit
  rule for unit handlers (any, the lead unit, a co-handling unit still to send its opinion),
  whether a citizen without an account may take it — and from which states;
- its clocks, each with its rule (calendar days, working days, months) and its limit, read from
  the settings when the clock opens;
- the optional features it switches on: co-handling, extension, rating (with its feedback
  window and reopening);
- its own preconditions, as hooks per step (for example "面商 before the answer").
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    """States the built-in types share; a type may use its own (the engine never assumes these)."""

    REGISTERED = "registered", _("已登记")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    REOPENED = "reopened", _("重新办理")
    CLOSED = "closed", _("已办结")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    # recorded by the engine, never chosen: the feedback window ended without a rating
    UNRATED = "unrated", _("未评价")


RATING_CHOICES = [c for c in Satisfaction.choices if c[0] != Satisfaction.UNRATED]


class UnitRule(models.TextChoices):
    """Which unit handler may take a step (the office's own roles are not bound by it)."""

    ANY = "any", _("任何单位")
    LEAD = "lead", _("主办单位")
    CO = "co", _("尚未提交意见的协办单位")


def setting_value(value):
    """A number declared as an int, the name of a setting (read now), or a callable."""
    if isinstance(value, str):
        return getattr(settings, value)
    if callable(value):
        return value()
    return value


@dataclass(frozen=True)
class Transition:
    label: str  # shown in the timeline and in refusals: “交办”
    sources: tuple  # states it may start from
    target: str | None = None  # state afterwards; None: a step that leaves the state as it is
    # "app.codename", or a tuple of which any one suffices ("" = anyone of the township)
    permission: str | tuple = ""
    unit: str = UnitRule.ANY  # for users who are unit handlers and not office staff
    public: bool = False  # a citizen without an account may take it (the view checks the query code)
    internal: bool = False  # taken only by the engine itself (reopen, close, lapse)

    @property
    def permissions(self):
        if not self.permission:
            return ()
        return (self.permission,) if isinstance(self.permission, str) else tuple(self.permission)


@dataclass(frozen=True)
class Clock:
    rule: str  # congress_office.models.DeadlineRule
    limit: int | str | Callable  # a number, a setting's name (read when the clock opens) or a callable
    label: str
    handling: bool = False  # runs while the unit handles the case: met by the reply, extendable

    @property
    def current_limit(self):
        return int(setting_value(self.limit))


@dataclass(frozen=True)
class CoHandling:
    """Co-handling units (协办) send their opinion to the lead unit on `clock` (optional)."""

    clock: str | None = None


@dataclass(frozen=True)
class Extension:
    """The handling clock may be extended: requested (reason, length or date) and approved by a
    chair. Numbers are ints, settings' names or callables, read when used."""

    max_count: int | str | None = None  # how many extensions a case may have in all (None: no limit)
    max_extra: int | str | None = None  # the longest single extension, in `extra_rule` units
    extra_rule: str | None = None  # the unit of a requested length (default: the clock's own rule)
    # (item, deadline) -> (latest allowed due date, Chinese text naming the limit) or None
    outer_limit: Callable | None = None
    # (item, extension) -> None: what the type does once an extension is approved (a notice …)
    on_approved: Callable | None = None


@dataclass(frozen=True)
class Rating:
    """The people a reply concerns rate it. `raters(item)` -> [(rater_key, label)] of everyone
    who is to rate; the case closes when all have rated without 不满意 (or when the feedback
    window lapses, the missing ones recorded as 未评价). 不满意 reopens handling on
    `reopen_clock` when `reopens(item)` says so; otherwise the case closes with the rating."""

    raters: Callable
    feedback_clock: str | None = None
    reopen_clock: str | None = None
    reopens: Callable = lambda item: True


@dataclass
class CaseType:
    key: str  # "petitions.petition"
    label: str
    states: dict  # value → label, all states of the type
    transitions: dict  # action → Transition
    clocks: dict  # name → Clock
    closed_states: tuple = (CaseState.CLOSED,)  # reaching one sets closed_at (when the model has it)
    co_handling: CoHandling | None = None
    extension: Extension | None = None
    rating: Rating | None = None
    # action -> (item, by, **context) -> None, raising ValidationError: the type's own preconditions
    preconditions: dict = field(default_factory=dict)
    # (item) -> users to tell about extensions and replies (the people the case concerns)
    concerned_users: Callable | None = None
    # the permission needed to see the type's deadlines (their titles name the case) when a
    # county-wide user reads the deadline list: "" for everyone who sees deadlines
    view_permission: str = ""

    def state_label(self, value):
        return self.states.get(value, value)

    @property
    def handling_clocks(self):
        return [name for name, clock in self.clocks.items() if clock.handling]

    def deadline_kind(self, clock_name):
        return f"{self.key}.{clock_name}"
