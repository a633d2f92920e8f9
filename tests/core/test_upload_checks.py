"""The browser's upload check (issue 14 item 3): every file input renders the limits the server
applies (data-max-bytes, data-allowed-ext, accept; congress_office.upload_widgets) and every page
loads static/js/upload-check.js. The browser's behaviour itself: tests/e2e/test_upload_check.py."""

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from congress_office.upload_widgets import CheckedFileInput
from congress_office.uploads import IMAGE_EXTENSIONS, allowed_extensions

# every module of the project that declares forms
FORM_MODULES = [
    "congress_office.forms",
    "deputies.forms.activities",
    "deputies.forms.records",
    "deputies.forms.register",
    "deputies.suggestions.forms",
    "petitions.forms.handling",
    "petitions.forms.office",
    "petitions.forms.public",
    "documents.forms.incoming",
    "documents.forms.outgoing",
    "assessments.forms",
]
APPS = ("congress_office", "deputies", "petitions", "documents", "meetings", "assessments")


def project_forms():
    for name in FORM_MODULES:
        importlib.import_module(name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted((c for c in seen if c.__module__.startswith(APPS)), key=lambda c: (c.__module__, c.__name__))


def input_attrs(html, name):
    """The attributes of the <input type="file" name=…> in `html`."""
    tag = re.search(
        rf'<input[^>]*type="file"[^>]*name="{name}"[^>]*>|<input[^>]*name="{name}"[^>]*type="file"[^>]*>', html
    )
    assert tag, f"no file input {name}"
    return dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag.group(0)[len("<input") :]))


def test_every_declared_file_field_carries_its_limits():
    offenders, found = [], 0
    for form in project_forms():
        for name, field in form.base_fields.items():
            if isinstance(field.widget, forms.FileInput):
                found += 1
                widget = field.widget
                if not isinstance(widget, CheckedFileInput) or widget.limits is None:
                    offenders.append(f"{form.__module__}.{form.__name__}.{name}")
    assert found >= 6  # activity photos and files, deputy photo and import, petition and document files
    assert not offenders, f"file fields without upload limits: {offenders}"


def test_every_file_input_written_in_a_template_renders_the_limits():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for tag in re.findall(r"<input[^>]*>", path.read_text()):
            if 'type="file"' in tag and "upload_check_attrs" not in tag:
                offenders.append(f"{path.name}: {tag[:80]}")
    assert not offenders, offenders


@pytest.mark.django_db
def test_the_deputys_activity_form_renders_the_limits_of_both_inputs(client, users, township, settings):
    from congress_office.roles import Role
    from tests.deputies.factories import DeputyFactory, TermFactory

    settings.DEPUTY_UPLOAD_MAX_MB = 10
    DeputyFactory(term=TermFactory(township=township), user=users[Role.DEPUTY])
    client.force_login(users[Role.DEPUTY])
    html = client.get(reverse("deputies:activity_create")).content.decode()

    photos, files = input_attrs(html, "photos"), input_attrs(html, "files")
    assert photos["data-max-bytes"] == files["data-max-bytes"] == str(10 * 1024 * 1024)
    assert photos["data-allowed-ext"] == ",".join(sorted(IMAGE_EXTENSIONS))
    assert photos["accept"] == "image/*" and photos["capture"] == "environment"  # opens the camera
    assert files["data-allowed-ext"] == ",".join(allowed_extensions())
    assert "data-upload-check" in photos and "data-upload-check" in files
    assert files["data-msg-too-large"] == "文件过大：%(size)s MB，上限 %(limit)s MB"
    assert files["data-msg-bad-type"] == "不支持的文件类型：%(ext)s"
    assert "js/upload-check.js" in html


@pytest.mark.django_db
def test_the_limits_follow_the_settings_when_rendered(client, settings):
    settings.PETITION_UPLOAD_MAX_MB = 3

    html = client.get(reverse("petitions:public_create")).content.decode()

    attachments = input_attrs(html, "attachments")
    assert attachments["data-max-bytes"] == str(3 * 1024 * 1024) and attachments["data-max-mb"] == "3"
    assert "exe" not in attachments["data-allowed-ext"].split(",")
    assert "js/upload-check.js" in html  # the citizens' pages have their own base template


@pytest.mark.django_db
def test_the_office_forms_render_their_limits(client, clerk, settings):
    settings.DOCUMENT_UPLOAD_MAX_MB = 20
    client.force_login(clerk)

    petition = input_attrs(client.get(reverse("petitions:petition_create")).content.decode(), "attachments")
    deputy_import = input_attrs(client.get(reverse("deputies:deputy_import")).content.decode(), "file")

    assert petition["data-max-bytes"] == str(settings.PETITION_UPLOAD_MAX_MB * 1024 * 1024)
    assert deputy_import["data-allowed-ext"] == "csv,xlsx" and deputy_import["accept"] == ".csv,.xlsx"


@pytest.mark.django_db
def test_the_outgoing_drafts_docx_input_takes_docx_only(clerk, settings):
    from documents.forms.outgoing import DraftForm

    settings.DOCUMENT_UPLOAD_MAX_MB = 20
    html = str(DraftForm(user=clerk)["docx"])

    docx = input_attrs(html, "docx")
    assert docx["data-allowed-ext"] == "docx" and docx["data-max-bytes"] == str(20 * 1024 * 1024)


def test_the_tag_renders_a_named_limit_for_an_input_without_a_form(settings):
    settings.DOCUMENT_UPLOAD_MAX_MB = 20

    html = Template(
        '{% load upload_tags %}<input type="file" name="files"{% upload_check_attrs "document_file" %}>'
    ).render(Context())

    files = input_attrs(html, "files")
    assert files["data-max-bytes"] == str(20 * 1024 * 1024)
    assert files["accept"] == ",".join(f".{e}" for e in allowed_extensions())
