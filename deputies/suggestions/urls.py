from django.urls import path
from django.views.generic import TemplateView

# placeholders until the suggestion views land
urlpatterns = [
    path("suggestions/", TemplateView.as_view(template_name="base.html"), name="suggestion_list"),
    path("suggestions/<int:pk>/", TemplateView.as_view(template_name="base.html"), name="suggestion_detail"),
]
