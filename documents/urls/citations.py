from django.urls import path

from ..views import citations as views

urlpatterns = [
    path("citations/add/", views.CitationAddView.as_view(), name="citation_add"),
    path("citations/<int:pk>/remove/", views.CitationRemoveView.as_view(), name="citation_remove"),
]
