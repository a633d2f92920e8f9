from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/code/", views.MeetingCodeView.as_view(), name="code"),
    path("<int:pk>/notify/", views.NotifyView.as_view(), name="notify"),
    path("<int:pk>/sign-in/start/", views.SignInStartView.as_view(), name="sign_in_start"),
    path("<int:pk>/sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("<int:pk>/open/", views.OpenView.as_view(), name="open"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/mark/", views.MarkView.as_view(), name="mark"),
    path("<int:pk>/depart/", views.DepartView.as_view(), name="depart"),
    path("<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("<int:pk>/leave/", views.LeaveRequestView.as_view(), name="leave"),
    path("<int:pk>/leave/<int:attendance>/decide/", views.LeaveDecideView.as_view(), name="leave_decide"),
    path("<int:pk>/agenda/add/", views.AgendaAddView.as_view(), name="agenda_add"),
    path("<int:pk>/materials/add/", views.MaterialAddView.as_view(), name="material_add"),
    path("<int:pk>/materials/<int:item>/done/", views.MaterialDoneView.as_view(), name="material_done"),
    path("<int:pk>/observers/add/", views.ObserverAddView.as_view(), name="observer_add"),
    path("<int:pk>/documents/new/", views.MeetingDocumentView.as_view(), name="document_draft"),
    path("<int:pk>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("<int:pk>/votes/new/", views.VoteOpenView.as_view(), name="vote_open"),
    path("<int:pk>/votes/<int:vote>/close/", views.VoteCloseView.as_view(), name="vote_close"),
    path("<int:pk>/votes/<int:vote>/ballot/", views.BallotView.as_view(), name="ballot"),
    path("<int:pk>/votes/<int:vote>/resolution/", views.ResolutionView.as_view(), name="resolution"),
    path("<int:pk>/motions/new/", views.MotionCreateView.as_view(), name="motion_create"),
    path("<int:pk>/projects/add/", views.ProjectAddView.as_view(), name="project_add"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/vote/", views.ProjectVoteView.as_view(), name="project_vote"),
    path("projects/<int:pk>/assign/", views.ProjectAssignView.as_view(), name="project_assign"),
    path("projects/<int:pk>/report/", views.ProjectReportView.as_view(), name="project_report"),
    path("projects/<int:pk>/rate/", views.ProjectRateView.as_view(), name="project_rate"),
    path("motions/<int:pk>/", views.MotionDetailView.as_view(), name="motion_detail"),
    path("motions/<int:pk>/confirm/", views.MotionConfirmView.as_view(), name="motion_confirm"),
    path("motions/<int:pk>/submit/", views.MotionSubmitView.as_view(), name="motion_submit"),
    path("motions/<int:pk>/withdraw/", views.MotionWithdrawView.as_view(), name="motion_withdraw"),
    path("motions/<int:pk>/decide/", views.MotionDecideView.as_view(), name="motion_decide"),
]
