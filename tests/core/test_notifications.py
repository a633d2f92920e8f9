from django.core import mail

from congress_office.services.notifications import notify


def test_notification_email_carries_an_absolute_link_after_commit(clerk, settings, django_capture_on_commit_callbacks):
    """In-app rows are written at once; the e-mail goes after commit, with the site's address."""
    settings.SITE_URL = "https://rd.example.gov.cn/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [notification] = notify(recipients=[clerk, clerk], title="测试通知", body="正文", url="/deadlines/7/")
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert "https://rd.example.gov.cn/deadlines/7/" in mail.outbox[0].body
    assert mail.outbox[0].subject.endswith("测试通知")
    notification.refresh_from_db()
    assert notification.emailed_at is not None
