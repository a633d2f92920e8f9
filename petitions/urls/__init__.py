"""The petitions app's URLs, one module per area: office pages, handling, statistics and the
public pages (no account)."""

from . import handling, office, public, stats

app_name = "petitions"

urlpatterns = office.urlpatterns + handling.urlpatterns + stats.urlpatterns + public.urlpatterns
