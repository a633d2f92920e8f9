"""The public pages: no account needed (and none is asked for)."""

from django.urls import path

from ..views import public as views

urlpatterns = [
    path("public/new/", views.PublicCreateView.as_view(), name="public_create"),
    path("public/query/", views.PublicQueryView.as_view(), name="public_query"),
    path("public/query/rate/", views.PublicRateView.as_view(), name="public_rate"),
    path("public/query/review/", views.PublicReviewRequestView.as_view(), name="public_review_request"),
]
