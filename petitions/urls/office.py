from django.urls import path
from django.views.generic import TemplateView

# placeholders until the office views land
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="petition_list"),
    path("<int:pk>/", TemplateView.as_view(template_name="base.html"), name="petition_detail"),
]
