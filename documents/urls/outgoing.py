from django.urls import path

from ..views import outgoing as views

urlpatterns = [
    path("outgoing/", views.OutgoingListView.as_view(), name="outgoing_list"),
    path("outgoing/export/", views.OutgoingExportView.as_view(), name="outgoing_export"),
    path("outgoing/new/", views.OutgoingCreateView.as_view(), name="outgoing_create"),
    path("outgoing/<int:pk>/", views.OutgoingDetailView.as_view(), name="outgoing_detail"),
    path("outgoing/<int:pk>/edit/", views.OutgoingEditView.as_view(), name="outgoing_edit"),
    path("outgoing/<int:pk>/versions/", views.OutgoingVersionsView.as_view(), name="outgoing_versions"),
    path(
        "outgoing/<int:pk>/versions/<int:version>/docx/",
        views.OutgoingVersionFileView.as_view(),
        name="outgoing_version_file",
    ),
    path("outgoing/<int:pk>/compare/", views.OutgoingCompareView.as_view(), name="outgoing_compare"),
    path("outgoing/<int:pk>/sheet/", views.OutgoingSheetView.as_view(), name="outgoing_sheet"),
    path("outgoing/<int:pk>/submit/", views.OutgoingSubmitView.as_view(), name="outgoing_submit"),
    path("outgoing/<int:pk>/review/", views.OutgoingReviewView.as_view(), name="outgoing_review"),
    path("outgoing/<int:pk>/sign/", views.OutgoingSignView.as_view(), name="outgoing_sign"),
    path("outgoing/<int:pk>/register/", views.OutgoingRegisterView.as_view(), name="outgoing_register"),
    path("outgoing/<int:pk>/void-number/", views.OutgoingVoidNumberView.as_view(), name="outgoing_void"),
    path("outgoing/<int:pk>/print/", views.OutgoingPrintView.as_view(), name="outgoing_print"),
    path("outgoing/<int:pk>/seal/", views.OutgoingSealView.as_view(), name="outgoing_seal"),
    path("outgoing/<int:pk>/dispatch/", views.OutgoingDispatchView.as_view(), name="outgoing_dispatch"),
    path("outgoing/<int:pk>/archive/", views.OutgoingArchiveView.as_view(), name="outgoing_archive"),
]
