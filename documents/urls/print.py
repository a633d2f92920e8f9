from django.urls import path

from ..views import print as views

urlpatterns = [
    path("outgoing/<int:pk>/pdf/", views.OutgoingPdfView.as_view(), name="outgoing_pdf"),
]
