from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from .views.accounts import PasswordChangeView
from .views.health import health

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME


def admin_login(request, extra_context=None):
    """The Django admin follows the site's rules: one login page (with lockout) for everyone,
    and 403 for a signed-in user who is not staff."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or request.get_full_path())


admin.site.login = admin_login


def favicon(request):
    """What a browser asks for on a page that names no icon (a PDF opened in a tab). Resolved
    per request: the static storage's manifest is not read at import."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    # what a browser asks for on a page that names no icon (a PDF opened in a tab)
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("deputies/", include("deputies.urls")),
    path("petitions/", include("petitions.urls")),
    path("documents/", include("documents.urls")),
    path("meetings/", include("meetings.urls")),
    path("assessments/", include("assessments.urls")),
    path("", include("congress_office.core_urls")),
]
