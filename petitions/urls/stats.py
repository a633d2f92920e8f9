from django.urls import path

from ..views import stats

urlpatterns = [
    path("stats/", stats.PetitionStatsView.as_view(), name="stats"),
    path("stats/export/", stats.PetitionStatsExportView.as_view(), name="stats_export"),
]
