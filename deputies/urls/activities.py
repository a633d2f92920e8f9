from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [path("activities/", TemplateView.as_view(template_name="base.html"), name="activity_list")]
