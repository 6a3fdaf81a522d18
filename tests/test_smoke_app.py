"""The application starts, the administrator logs in and reaches the admin."""
import pytest


def test_login_page_is_chinese_by_default(app):
    page = app.test_client().get("/login")
    assert page.status_code == 200
    assert "登录" in page.get_data(as_text=True)


def test_admin_home_needs_login(app):
    response = app.test_client().get("/admin/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_administrator_reaches_admin_home(admin_client):
    page = admin_client.get("/admin/")
    assert page.status_code == 200
    assert "Welcome" in page.get_data(as_text=True)


def test_the_app_asks_once_whether_a_function_is_a_coroutine(app):
    def view():
        return "ok"

    async def async_view():
        return "ok"

    assert app.ensure_sync(view) is view and app.ensure_sync(view) is view
    with pytest.raises(RuntimeError, match="async"):  # still told apart (Flask wants its async extra)
        app.ensure_sync(async_view)
