from django.conf import settings

from .models import Notification
from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    context = {"site_name": settings.SITE_NAME}
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav_for(user)
        context["unread_notifications"] = Notification.objects.visible_to(user).unread().count()
    return context
