"""The admin speaks Chinese by default, Flask-Admin's own words included, and English on request."""
from core.testing import login_client


def test_admin_is_chinese_by_default_including_flask_admin_s_own_words(app, make_user):
    user = make_user("wangfang", superuser=True, locale=None)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
    page = client.get("/admin/core_users/").get_data(as_text=True)
    assert "用户" in page and "登录名" in page          # ours
    assert "列表" in page and "创建" in page            # Flask-Admin's
    assert "系统" in page                               # the menu category


def test_the_language_switch_changes_the_admin_to_english_and_back(app, make_user):
    client = login_client(app.test_client(), make_user("lina", superuser=True).id, locale="zh_Hans")
    assert "模块" in client.get("/admin/modules/").get_data(as_text=True)
    client.get("/locale/en?next=/admin/modules/")
    english = client.get("/admin/modules/").get_data(as_text=True)
    assert "Modules" in english and "Needed by" in english and "模块" not in english
    client.get("/locale/zh_Hans?next=/admin/modules/")
    assert "被依赖" in client.get("/admin/modules/").get_data(as_text=True)
