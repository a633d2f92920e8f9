from django.urls import path

from ..views import record_batch, records

urlpatterns = [
    path("records/", records.RecordHomeView.as_view(), name="record_home"),
    path("records/zip/", record_batch.RecordZipView.as_view(), name="record_zip"),
    path("records/<int:deputy_pk>/<int:year>/", records.RecordDetailView.as_view(), name="record_detail"),
    path("records/groups/<int:pk>/<int:year>/", records.GroupRecordView.as_view(), name="record_group"),
    path("records/assessment/", records.AssessmentView.as_view(), name="assessment"),
    path("records/assessment/<int:year>/scoring/", records.GroupScoringUpdateView.as_view(), name="assessment_scoring"),
    path("records/assessment/<int:year>/awards/", records.AwardConfirmView.as_view(), name="award_confirm"),
]
