"""Files of evidence for a score: validated by content, listed on the score, downloaded through
the plan's access check."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessments import services as svc
from assessments.models import ScoreFile
from congress_office.roles import Role


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("现场照片.png", buffer.getvalue(), content_type="image/png")


def test_evidence_files_of_a_score(client_for, clerk, plan, users, other_clerk):
    subject = plan.subjects.first()
    indicator = subject.assessment_type.indicators.first()
    score = svc.score_set(subject=subject, indicator=indicator, quarter=1, value=5, by=clerk)
    page = reverse("assessments:evidence", args=[plan.pk, score.pk])
    client = client_for(clerk)
    fake = SimpleUploadedFile("报告.png", b"not an image at all", content_type="image/png")
    response = client.post(page, {"files": [fake]})
    assert response.status_code == 200 and not ScoreFile.objects.exists()
    response = client.post(page, {"files": [png()]})
    assert response.status_code == 302
    item = ScoreFile.objects.get()
    assert item.name == "现场照片.png" and item.size > 0
    listed = client.get(page)
    assert listed.status_code == 200 and "现场照片.png" in listed.content.decode()
    sheet = client.get(reverse("assessments:score_sheet", args=[plan.pk, 1])).content.decode()
    assert "依据文件（1）" in sheet
    download = client.get(reverse("assessments:evidence_file", args=[plan.pk, item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert client_for(other_clerk).get(page).status_code == 404
    assert client_for(other_clerk).get(reverse("assessments:evidence_file", args=[plan.pk, item.pk])).status_code == 404
    assert (
        client_for(users[Role.COUNTY]).get(reverse("assessments:evidence_file", args=[plan.pk, item.pk])).status_code
        == 404
    )
