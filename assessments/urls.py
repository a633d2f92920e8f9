from django.urls import path

from . import views, views_evaluation

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
    path("<int:pk>/scores/<int:score>/evidence/", views.EvidenceView.as_view(), name="evidence"),
    path("<int:pk>/evidence/<int:file>/", views.EvidenceFileView.as_view(), name="evidence_file"),
    path("<int:pk>/scores/<int:score>/correct/", views.CorrectionRequestView.as_view(), name="correction_request"),
    path(
        "<int:pk>/corrections/<int:correction>/decide/",
        views.CorrectionDecideView.as_view(),
        name="correction_decide",
    ),
    path("<int:pk>/grades/", views.GradesView.as_view(), name="grades"),
    path("<int:pk>/promotion/", views.PromotionView.as_view(), name="promotion"),
    path("subjects/<int:pk>/", views.SubjectDetailView.as_view(), name="subject_detail"),
    path("subjects/<int:pk>/targets/add/", views.TargetAddView.as_view(), name="target_add"),
    path("subjects/<int:pk>/targets/report/", views.TargetReportView.as_view(), name="target_report"),
    path("subjects/<int:pk>/targets/check/", views.TargetCheckView.as_view(), name="target_check"),
    path("<int:pk>/evaluations/new/", views_evaluation.EvaluationCreateView.as_view(), name="evaluation_create"),
    path("evaluations/<int:pk>/", views_evaluation.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("evaluations/<int:pk>/people/", views_evaluation.PeopleAddView.as_view(), name="evaluation_people"),
    path("evaluations/<int:pk>/draw/", views_evaluation.DrawView.as_view(), name="evaluation_draw"),
    path("evaluations/<int:pk>/issue/", views_evaluation.IssueView.as_view(), name="evaluation_issue"),
    path("evaluations/<int:pk>/close/", views_evaluation.CloseView.as_view(), name="evaluation_close"),
    path("evaluations/<int:pk>/ballot/", views_evaluation.BallotView.as_view(), name="ballot"),
    path("evaluations/<int:pk>/ballot/done/", views_evaluation.BallotDoneView.as_view(), name="ballot_done"),
]
