"""Disposal of archive items (鉴定 and 销毁); included by core_urls under "archive/disposal/", in
the "core" namespace."""

from django.urls import path

from .views import archive_disposal as views

urlpatterns = [
    path("", views.DueView.as_view(), name="archive_due"),
    path("appraisals/new/", views.AppraisalCreateView.as_view(), name="archive_appraisal_new"),
    path("appraisals/<int:pk>/", views.AppraisalDetailView.as_view(), name="archive_appraisal_detail"),
    path("appraisals/<int:pk>/approve/", views.AppraisalApproveView.as_view(), name="archive_appraisal_approve"),
    path("destructions/<int:pk>/", views.DestructionDetailView.as_view(), name="archive_destruction_detail"),
    path(
        "destructions/<int:pk>/carry-out/",
        views.DestructionCarryOutView.as_view(),
        name="archive_destruction_carry_out",
    ),
]
