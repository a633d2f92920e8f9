"""Handling steps of one petition (交办, 延期, 督办, 答复, 复查 / 复核, 批示, 包案, 办结报告, 回访)."""

from django.urls import path

from ..views import handling as views

urlpatterns = [
    path("<int:pk>/assign/", views.PetitionAssignView.as_view(), name="petition_assign"),
    path("<int:pk>/extend/", views.PetitionExtendView.as_view(), name="petition_extend"),
    path("<int:pk>/extend/decide/", views.PetitionExtensionDecideView.as_view(), name="petition_extension_decide"),
    path("<int:pk>/supervise/", views.PetitionSuperviseView.as_view(), name="petition_supervise"),
    path("<int:pk>/co-input/", views.PetitionCoInputView.as_view(), name="petition_co_input"),
    path("<int:pk>/reply/", views.PetitionReplyView.as_view(), name="petition_reply"),
    path("<int:pk>/rate/", views.PetitionRateView.as_view(), name="petition_rate"),
    path(
        "<int:pk>/reviews/<str:kind>/request/",
        views.PetitionReviewRequestView.as_view(),
        name="petition_review_request",
    ),
    path(
        "<int:pk>/reviews/<str:kind>/decide/", views.PetitionReviewDecideView.as_view(), name="petition_review_decide"
    ),
    path("<int:pk>/instruct/", views.PetitionInstructView.as_view(), name="petition_instruct"),
    path("<int:pk>/take-ownership/", views.PetitionTakeOwnershipView.as_view(), name="petition_take_ownership"),
    path(
        "<int:pk>/completion-report/", views.PetitionCompletionReportView.as_view(), name="petition_completion_report"
    ),
    path("<int:pk>/return-visit/", views.PetitionReturnVisitView.as_view(), name="petition_return_visit"),
]
