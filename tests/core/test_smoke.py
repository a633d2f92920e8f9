import pytest


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    """The login page is Simplified Chinese by default."""
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_home_page_for_clerk_renders(client, clerk):
    client.force_login(clerk)
    response = client.get("/")
    assert response.status_code == 200
    assert "期限督办" in response.content.decode()
