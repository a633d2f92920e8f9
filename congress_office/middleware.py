from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """A user whose password was set by someone else changes it before doing anything else."""

    allowed_prefixes = ("/static/", "/media/", "/health/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("password_change"), reverse("password_change_done"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(self.allowed_prefixes):
                return redirect("password_change")
        return self.get_response(request)
