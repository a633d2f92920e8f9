from django.urls import path

from ..views import register as views

urlpatterns = [
    path("", views.DeputyListView.as_view(), name="deputy_list"),
    path("export.xlsx", views.DeputyExportView.as_view(), name="deputy_export"),
    path("new/", views.DeputyCreateView.as_view(), name="deputy_create"),
    path("<int:pk>/", views.DeputyDetailView.as_view(), name="deputy_detail"),
    path("<int:pk>/edit/", views.DeputyUpdateView.as_view(), name="deputy_update"),
    path("<int:pk>/reveal/", views.DeputyRevealView.as_view(), name="deputy_reveal"),
    path("<int:pk>/status/", views.DeputyStatusView.as_view(), name="deputy_status"),
    path("<int:pk>/photo/", views.DeputyPhotoView.as_view(), name="deputy_photo"),
    path("import/", views.DeputyImportView.as_view(), name="deputy_import"),
    path("import/preview/", views.DeputyImportPreviewView.as_view(), name="deputy_import_preview"),
    path("import/confirm/", views.DeputyImportConfirmView.as_view(), name="deputy_import_confirm"),
    path("import/cancel/", views.DeputyImportCancelView.as_view(), name="deputy_import_cancel"),
    path("import/template.xlsx", views.DeputyImportTemplateView.as_view(), name="deputy_import_template"),
    path("terms/", views.TermListView.as_view(), name="term_list"),
    path("terms/new/", views.TermCreateView.as_view(), name="term_create"),
    path("terms/<int:pk>/edit/", views.TermUpdateView.as_view(), name="term_update"),
    path("districts/", views.DistrictListView.as_view(), name="district_list"),
    path("districts/new/", views.DistrictCreateView.as_view(), name="district_create"),
    path("districts/<int:pk>/edit/", views.DistrictUpdateView.as_view(), name="district_update"),
    path("groups/", views.GroupListView.as_view(), name="group_list"),
    path("groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/edit/", views.GroupUpdateView.as_view(), name="group_update"),
    path("liaison/", views.LiaisonHomeView.as_view(), name="liaison_home"),
    path("liaison/<int:year>/", views.LiaisonPlanView.as_view(), name="liaison_plan"),
    path("liaison/<int:year>/members/<int:member>/", views.LiaisonMemberView.as_view(), name="liaison_member"),
]
