"""The application starts, the administrator logs in and reaches the admin."""


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
