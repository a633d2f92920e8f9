from django.urls import path

from ..views import activities as views
from ..views.activity_batch import ActivityBatchView

urlpatterns = [
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/batch/", ActivityBatchView.as_view(), name="activity_batch"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.ActivityResubmitView.as_view(), name="activity_resubmit"),
    path("activities/<int:pk>/confirm/", views.ActivityConfirmView.as_view(), name="activity_confirm"),
    path("activities/<int:pk>/return/", views.ActivityReturnView.as_view(), name="activity_return"),
    path("activities/files/<int:pk>/", views.AttachmentDownloadView.as_view(), name="activity_attachment"),
    path("activities/files/<int:pk>/thumb/", views.AttachmentThumbnailView.as_view(), name="activity_thumbnail"),
    path("receptions/", views.ReceptionDayListView.as_view(), name="reception_list"),
    path("receptions/new/", views.ReceptionDayCreateView.as_view(), name="reception_create"),
    path("receptions/<int:pk>/", views.ReceptionDayDetailView.as_view(), name="reception_detail"),
    path("receptions/<int:pk>/visits/", views.ReceptionVisitCreateView.as_view(), name="reception_visit_create"),
    path("trainings/", views.TrainingListView.as_view(), name="training_list"),
    path("trainings/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("trainings/<int:pk>/attendance/", views.TrainingAttendanceView.as_view(), name="training_attendance"),
]
