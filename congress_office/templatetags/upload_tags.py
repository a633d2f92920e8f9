"""`{% upload_check_attrs form.photos %}` / `{% upload_check_attrs "document_file" %}`: the upload
limits' attributes (data-max-bytes, data-allowed-ext, accept …; congress_office.upload_widgets) for a
file input written out in a template, from its form field's widget or a named limit."""

from django import template
from django.forms.utils import flatatt

from congress_office.upload_widgets import LIMITS, upload_attrs

register = template.Library()


@register.simple_tag
def upload_check_attrs(source):
    if isinstance(source, str):
        attrs = LIMITS[source].attrs()
    else:
        widget = source.field.widget
        own = {"accept": widget.attrs["accept"]} if "accept" in widget.attrs else {}
        attrs = upload_attrs(widget.limits, own)
    return flatatt(attrs)  # escaped, marked safe
