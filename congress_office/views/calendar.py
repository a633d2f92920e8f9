"""The calendar (日历): a month and a week of what concerns the user (reception days, trainings,
meetings, deadlines due), and the same as an .ics file. Every entry comes from the sources the
apps register (congress_office.calendar_events), each reading through what the user may see;
a county-wide account may narrow the page to one township."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..access import RoleRequiredMixin
from ..calendar_events import (
    calendar_events,
    events_to_ics,
    group_by_day,
    month_bounds,
    month_weeks,
    parse_day,
    parse_month,
    shift_month,
    week_bounds,
)
from ..models import Township


class CalendarMixin(RoleRequiredMixin):
    """Whoever may see deadlines (every role; an account without a role gets 403): each source
    then shows only what the user may see. The township is the user's own; a county-wide account
    may pick one (?township=code)."""

    permission_required = "core.view_deadline"

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def township(self):
        user = self.request.user
        code = self.request.GET.get("township")
        if not user.is_county_wide or not code:
            return None
        return Township.objects.visible_to(user).filter(code=code).first()

    def township_query(self):
        return {"township": self.township.code} if self.township is not None else {}

    def events(self, start, end):
        return calendar_events(user=self.request.user, start=start, end=end, township=self.township)

    def page_context(self):
        user = self.request.user
        return {
            "today": self.today,
            "township": self.township,
            "townships": list(Township.objects.visible_to(user).filter(is_active=True)) if user.is_county_wide else [],
        }


def _url(name, **params):
    params = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in params.items()}
    return reverse(name) + (f"?{urlencode(params)}" if params else "")


# a day of the month shows this many entries, then 另有 N 项 (its week lists them all): a county
# month of deadlines stays a page, not 600 KB
MONTH_DAY_MAX = 5


def _days(dates, by_day, today, month=None, cap=None):
    return [
        {
            "date": day,
            "events": by_day.get(day, [])[:cap],
            "more": max(0, len(by_day.get(day, [])) - cap) if cap else 0,
            "is_today": day == today,
            "in_month": month is None or day.month == month,
            "is_weekend": day.weekday() >= 5,
        }
        for day in dates
    ]


class CalendarMonthView(CalendarMixin, TemplateView):
    template_name = "core/calendar_month.html"

    def get_context_data(self, **kwargs):
        year, month = parse_month(self.request.GET.get("year"), self.request.GET.get("month"), today=self.today)
        weeks = month_weeks(year, month)
        first, last = month_bounds(year, month)
        events = self.events(weeks[0][0], weeks[-1][-1])
        by_day = group_by_day(events)
        month_days = _days(
            [d for week in weeks for d in week if d.month == month], by_day, self.today, month, cap=MONTH_DAY_MAX
        )
        query = self.township_query()
        prev_year, prev_month = shift_month(year, month, -1)
        next_year, next_month = shift_month(year, month, 1)
        return super().get_context_data(
            **self.page_context(),
            first_day=first,
            weeks=[
                {"monday": week[0], "days": _days(week, by_day, self.today, month, cap=MONTH_DAY_MAX)} for week in weeks
            ],
            weekdays=weeks[0],
            # the phone's list: the month's days that have entries, and today
            busy_days=[day for day in month_days if day["events"] or day["is_today"]],
            month_event_count=sum(len(day["events"]) + day["more"] for day in month_days),
            view="month",
            heading=date_format(first, "YEAR_MONTH_FORMAT"),
            prev_url=_url("core:calendar", year=prev_year, month=prev_month, **query),
            next_url=_url("core:calendar", year=next_year, month=next_month, **query),
            prev_label=_("上月"),
            next_label=_("下月"),
            today_url=_url("core:calendar", **query),
            month_url=_url("core:calendar", year=year, month=month, **query),
            # the week view opens on today's week when today is in the month, else on its first week
            week_url=_url("core:calendar_week", date=(self.today if first <= self.today <= last else first), **query),
            township_query=urlencode(query),
            ics_query=urlencode({"year": year, "month": month, **query}),
            ics_label=_("导出日历（.ics）"),
            keep=[("year", year), ("month", month)],
            **kwargs,
        )


class CalendarWeekView(CalendarMixin, TemplateView):
    template_name = "core/calendar_week.html"

    def get_context_data(self, **kwargs):
        day = parse_day(self.request.GET.get("date"), today=self.today)
        monday, sunday = week_bounds(day)
        events = self.events(monday, sunday)
        query = self.township_query()
        dates = [monday + timedelta(days=n) for n in range(7)]
        return super().get_context_data(
            **self.page_context(),
            monday=monday,
            sunday=sunday,
            days=_days(dates, group_by_day(events), self.today),
            event_count=len(events),
            view="week",
            heading=_("%(start)s – %(end)s") % {"start": date_format(monday), "end": date_format(sunday)},
            prev_url=_url("core:calendar_week", date=monday - timedelta(days=7), **query),
            next_url=_url("core:calendar_week", date=monday + timedelta(days=7), **query),
            prev_label=_("上周"),
            next_label=_("下周"),
            today_url=_url("core:calendar_week", **query),
            month_url=_url("core:calendar", year=day.year, month=day.month, **query),
            week_url=_url("core:calendar_week", date=monday, **query),
            township_query=urlencode(query),
            ics_query=urlencode({"date": monday.isoformat(), **query}),
            ics_label=_("导出本周（.ics）"),
            keep=[("date", monday.isoformat())],
            **kwargs,
        )


class CalendarIcsView(CalendarMixin, View):
    """The entries of a month (?year=&month=) or of the week of ?date= as an .ics download."""

    def get(self, request):
        if "date" in request.GET:
            start, end = week_bounds(parse_day(request.GET.get("date"), today=self.today))
            period = _("%(start)s 至 %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
            filename = f"calendar-{start.isoformat()}.ics"
        else:
            year, month = parse_month(request.GET.get("year"), request.GET.get("month"), today=self.today)
            start, end = month_bounds(year, month)
            period = _("%(year)s年%(month)s月") % {"year": year, "month": month}
            filename = f"calendar-{year}-{month:02d}.ics"
        if self.township is not None:
            filename = filename.replace("calendar-", f"calendar-{self.township.code}-")
        name = _("%(site)s日历 · %(period)s") % {"site": settings.SITE_NAME, "period": period}
        body = events_to_ics(self.events(start, end), name=name, absolute_url=request.build_absolute_uri)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
