"""收文: the register, its export, the 催办 view, 签收, the document's page, its steps, files, PDFs."""

from django.urls import path

from ..views import incoming as views

urlpatterns = [
    path("incoming/", views.IncomingListView.as_view(), name="incoming_list"),
    path("incoming/export/", views.IncomingExportView.as_view(), name="incoming_export"),
    path("incoming/overdue/", views.IncomingOverdueView.as_view(), name="incoming_overdue"),
    path("incoming/new/", views.IncomingCreateView.as_view(), name="incoming_create"),
    path("incoming/<int:pk>/", views.IncomingDetailView.as_view(), name="incoming_detail"),
    path("incoming/<int:pk>/register/", views.IncomingRegisterView.as_view(), name="incoming_register"),
    path("incoming/<int:pk>/check/", views.IncomingCheckView.as_view(), name="incoming_check"),
    path("incoming/<int:pk>/return/", views.IncomingReturnView.as_view(), name="incoming_return"),
    path("incoming/<int:pk>/propose/", views.IncomingProposeView.as_view(), name="incoming_propose"),
    path("incoming/<int:pk>/instruct/", views.IncomingInstructView.as_view(), name="incoming_instruct"),
    path("incoming/<int:pk>/assign/", views.IncomingAssignView.as_view(), name="incoming_assign"),
    path("incoming/<int:pk>/circulate/", views.IncomingCirculateView.as_view(), name="incoming_circulate"),
    path("incoming/<int:pk>/remind/", views.IncomingRemindView.as_view(), name="incoming_remind"),
    path("incoming/<int:pk>/supervise/", views.IncomingSuperviseView.as_view(), name="incoming_supervise"),
    path("incoming/<int:pk>/extend/", views.IncomingExtendView.as_view(), name="incoming_extend"),
    path(
        "incoming/<int:pk>/extend/decide/",
        views.IncomingExtensionDecideView.as_view(),
        name="incoming_extension_decide",
    ),
    path("incoming/<int:pk>/close/", views.IncomingCloseView.as_view(), name="incoming_close"),
    path("incoming/<int:pk>/archive/", views.IncomingArchiveView.as_view(), name="incoming_archive"),
    path("incoming/<int:pk>/slip.pdf", views.IncomingSlipPdfView.as_view(), name="incoming_slip_pdf"),
    path("incoming/<int:pk>/return-note.pdf", views.IncomingReturnNotePdfView.as_view(), name="incoming_return_pdf"),
    path("incoming/files/<int:pk>/", views.IncomingFileView.as_view(), name="incoming_file"),
]
