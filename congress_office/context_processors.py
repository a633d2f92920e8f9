from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings

from .models import Notification
from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    # base.html shows `office_name`: auth's LoginView/LogoutView put their own `site_name`
    # (the request's host, without django.contrib.sites) into the context, overriding ours.
    context = {"site_name": settings.SITE_NAME, "office_name": settings.SITE_NAME}
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav_for(user)
        context["nav_more"] = [item for item in context["nav_items"] if item["more"]]
        context["unread_notifications"] = Notification.objects.visible_to(user).unread().count()
    else:
        context["login_policy"] = login_policy(request)
    return context


def login_policy(request):
    """The lockout rule the login page states, from the axes settings (configurable per deployment)."""
    cool_off = get_cool_off(request)
    return {
        "failure_limit": get_failure_limit(request, {}),
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
