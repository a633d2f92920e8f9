from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/types/add/", views.TypeAddView.as_view(), name="type_add"),
    path("<int:pk>/indicators/add/", views.IndicatorAddView.as_view(), name="indicator_add"),
    path("<int:pk>/subjects/add/", views.SubjectAddView.as_view(), name="subject_add"),
    path("<int:pk>/quarters/<int:quarter>/", views.ScoreSheetView.as_view(), name="score_sheet"),
    path("<int:pk>/quarters/<int:quarter>/confirm/", views.QuarterConfirmView.as_view(), name="quarter_confirm"),
    path("<int:pk>/scores/<int:score>/correct/", views.CorrectionRequestView.as_view(), name="correction_request"),
    path(
        "<int:pk>/corrections/<int:correction>/decide/",
        views.CorrectionDecideView.as_view(),
        name="correction_decide",
    ),
    path("<int:pk>/grades/", views.GradesView.as_view(), name="grades"),
]
