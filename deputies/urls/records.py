from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [path("records/", TemplateView.as_view(template_name="base.html"), name="record_home")]
