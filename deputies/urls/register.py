from django.urls import path
from django.views.generic import TemplateView

# placeholder until the register views land
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="deputy_list")]
