from django.urls import path

from . import batch, views

urlpatterns = [
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestion_list"),
    path("suggestions/new/", views.SuggestionCreateView.as_view(), name="suggestion_create"),
    path("suggestions/report/", views.SuggestionReportView.as_view(), name="suggestion_report"),
    path("suggestions/batch/assign/", batch.SuggestionBatchAssignView.as_view(), name="suggestion_batch_assign"),
    path("suggestions/<int:pk>/", views.SuggestionDetailView.as_view(), name="suggestion_detail"),
    path("suggestions/<int:pk>/assign/", views.AssignView.as_view(), name="suggestion_assign"),
    path("suggestions/<int:pk>/co-input/", views.CoInputView.as_view(), name="suggestion_co_input"),
    path("suggestions/<int:pk>/consult/", views.ConsultView.as_view(), name="suggestion_consult"),
    path("suggestions/<int:pk>/reply/", views.ReplyView.as_view(), name="suggestion_reply"),
    path("suggestions/<int:pk>/extend/", views.ExtendView.as_view(), name="suggestion_extend"),
    path(
        "suggestions/<int:pk>/decide_extension/",
        views.ExtensionDecideView.as_view(),
        name="suggestion_decide_extension",
    ),
    path("suggestions/<int:pk>/supervise/", views.SuperviseView.as_view(), name="suggestion_supervise"),
    path("suggestions/<int:pk>/rate/", views.RateView.as_view(), name="suggestion_rate"),
]
