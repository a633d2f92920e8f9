from django.urls import path

from ..views import office as views
from ..views.batch import AcceptanceNoticeZipView

urlpatterns = [
    path("", views.PetitionListView.as_view(), name="petition_list"),
    path("export/", views.PetitionExportView.as_view(), name="petition_export"),
    path("batch/notices/", AcceptanceNoticeZipView.as_view(), name="petition_notice_zip"),
    path("new/", views.PetitionCreateView.as_view(), name="petition_create"),
    path("<int:pk>/", views.PetitionDetailView.as_view(), name="petition_detail"),
    path("<int:pk>/reveal/", views.PetitionRevealView.as_view(), name="petition_reveal"),
    path("<int:pk>/decide/", views.PetitionDecideView.as_view(), name="petition_decide"),
    path("files/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("subjects/", views.SubjectListView.as_view(), name="subject_list"),
    path("subjects/new/", views.SubjectCreateView.as_view(), name="subject_create"),
]
