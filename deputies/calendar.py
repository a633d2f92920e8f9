"""The deputies app's entries of the calendar (日历): reception days, trainings, and a deputy's
suggestions' pending deadlines. Registered in plugins.register(); a fixed number of queries.

- The office (clerks, chairs, auditors) and county accounts (view_receptionday / view_training):
  the township's reception days and trainings (every township's for a county account, or the
  one it picked), linked to their pages.
- A deputy: the reception days where they receive and the township's trainings (every deputy
  is invited), linked to their own yearly record (履职档案), which lists both; and the pending
  deadlines of the suggestions they signed, linked to the suggestion.
- Anyone else: nothing.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from congress_office.calendar_events import CalendarEvent
from congress_office.roles import Role


def _own_deputy(user):
    from .models import Deputy

    if not user.has_role(Role.DEPUTY) or user.township_id is None:
        return None
    return Deputy.objects.filter(user=user, township_id=user.township_id).order_by("-term__start_date", "-pk").first()


def _record_url(deputy, day):
    return reverse("deputies:record_detail", args=[deputy.pk, day.year])


def reception_events(user, start, end, township=None, deputy=None):
    from .models import ReceptionDay

    office = user.has_perm("deputies.view_receptionday")
    if not office and deputy is None:
        return []
    days = ReceptionDay.objects.visible_to(user).filter(date__range=(start, end))
    if not office:
        days = days.filter(deputies=deputy)
    if township is not None:
        days = days.filter(township=township)
    days = days.select_related("township", "district").prefetch_related("deputies").order_by("date", "pk")
    events = []
    for day in days:
        receiving = "、".join(sorted(d.name for d in day.deputies.all()))
        events.append(
            CalendarEvent(
                start=day.date,
                title=_("%(district)s代表接待日") % {"district": day.district.name},
                kind="reception",
                kind_label=_("接待日"),
                uid=f"deputies.receptionday-{day.pk}",
                url=day.get_absolute_url() if office else _record_url(deputy, day.date),
                township=day.township.name,
                location=day.place,
                description=_("接待代表：%(names)s") % {"names": receiving} if receiving else "",
            )
        )
    return events


def training_events(user, start, end, township=None, deputy=None):
    from .models import Training

    office = user.has_perm("deputies.view_training")
    if not office and deputy is None:
        return []
    trainings = Training.objects.visible_to(user).filter(date__range=(start, end))
    if township is not None:
        trainings = trainings.filter(township=township)
    trainings = trainings.select_related("township").order_by("date", "pk")
    return [
        CalendarEvent(
            start=training.date,
            title=training.title,
            kind="training",
            kind_label=_("培训"),
            uid=f"deputies.training-{training.pk}",
            url=training.get_absolute_url() if office else _record_url(deputy, training.date),
            township=training.township.name,
            location=training.place,
            description=_("%(hours)s 学时") % {"hours": training.hours},
        )
        for training in trainings
    ]


def suggestion_deadline_events(user, start, end, deputy):
    """The pending deadlines of the suggestions `deputy` signed (the unit's answer, a reopened
    round …): a deputy is not responsible for them, but waits for them."""
    from congress_office.models import Deadline
    from congress_office.selectors import kind_label

    from .suggestions.models import Suggestion

    today = timezone.localdate()
    signed = Suggestion.objects.filter(signers__deputy=deputy).values("pk")
    deadlines = (
        Deadline.objects.pending()
        .filter(
            township_id=deputy.township_id,
            # by name, not through ContentType's per-process cache: the same queries every time
            subject_type__app_label=Suggestion._meta.app_label,
            subject_type__model=Suggestion._meta.model_name,
            subject_id__in=signed,
            due_date__range=(start, end),
        )
        .select_related("township", "responsible_unit")
        .order_by("due_date", "pk")
    )
    events = []
    for deadline in deadlines:
        description = deadline.basis()
        if deadline.responsible_unit is not None:
            description = _("承办单位：%(unit)s") % {"unit": deadline.responsible_unit} + "\n" + description
        events.append(
            CalendarEvent(
                start=deadline.due_date,
                title=deadline.display_title,
                kind="deadline",
                kind_label=str(kind_label(deadline.kind)),
                # the core's uid of the same deadline: shown once if the core lists it too
                uid=f"core.deadline-{deadline.pk}",
                url=reverse("deputies:suggestion_detail", args=[deadline.subject_id]),
                township=deadline.township.name,
                description=description,
                overdue=deadline.due_date < today,
            )
        )
    return events


def events(user, start, end, township=None):
    deputy = None if user.has_perm("deputies.view_receptionday") else _own_deputy(user)
    found = reception_events(user, start, end, township, deputy) + training_events(user, start, end, township, deputy)
    if deputy is not None:
        found += suggestion_deadline_events(user, start, end, deputy)
    return found
