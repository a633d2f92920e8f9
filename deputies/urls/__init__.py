"""The deputies app's URLs, one module per area (register, activities, records)."""

from ..suggestions import urls as suggestions
from . import activities, records, register

app_name = "deputies"

urlpatterns = register.urlpatterns + activities.urlpatterns + records.urlpatterns + suggestions.urlpatterns
