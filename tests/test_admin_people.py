"""Users, departments and roles in the admin, as an administrator (or a narrower manager) uses them."""
import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.security.models import Department, Role, RolePermission, User
from core.security.passwords import verify_password
from core.testing import csrf_from

USERS = "/admin/core_users"
DEPTS = "/admin/core_departments"
ROLES = "/admin/core_roles"


def user(kernel, login):
    with kernel.system_session() as s:
        return s.scalar(select(User).where(User.login == login).options(selectinload(User.departments)))


def post_form(client, url, **fields):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **fields})


# -- users -------------------------------------------------------------------------

def test_creating_a_user_stores_only_a_hash_of_the_password(kernel, admin_client):
    with kernel.system_session() as s:
        av = Department(name="设备租赁部", code="AV")
        s.add(av)
        s.commit()
    post_form(admin_client, f"{USERS}/new/", login="chenjing", name="陈静", email="chenjing@example.cn",
              password="correct-horse-1", departments=[str(av.id)], locale="zh_Hans", active="y")
    created = user(kernel, "chenjing")
    assert created.name == "陈静" and created.locale == "zh_Hans"
    assert [d.code for d in created.departments] == ["AV"]
    assert created.password_hash != "correct-horse-1"
    assert verify_password(created.password_hash, "correct-horse-1")


def test_a_new_user_needs_a_strong_enough_password(kernel, admin_client):
    answer = post_form(admin_client, f"{USERS}/new/", login="weak", name="Weak", password="short", active="y")
    assert "A password needs at least 8 characters." in answer.get_data(as_text=True)
    answer = post_form(admin_client, f"{USERS}/new/", login="none", name="None", password="", active="y")
    assert "A new user needs a password." in answer.get_data(as_text=True)
    assert user(kernel, "weak") is None and user(kernel, "none") is None


def test_a_login_is_unique_whatever_its_case(kernel, admin_client, make_user):
    make_user("lina")
    answer = post_form(admin_client, f"{USERS}/new/", login="LiNa", name="Other", password="long-enough-1",
                       active="y")
    assert "The login LiNa is taken." in answer.get_data(as_text=True)
    assert user(kernel, "LiNa") is None


def test_password_hash_is_never_shown(kernel, admin_client, make_user):
    target = make_user("wangfang")
    stored = user(kernel, "wangfang").password_hash
    pages = [admin_client.get(f"{USERS}/").get_data(as_text=True),
             admin_client.get(f"{USERS}/details/?id={target.id}").get_data(as_text=True),
             admin_client.get(f"{USERS}/edit/?id={target.id}").get_data(as_text=True),
             admin_client.get(f"{USERS}/export/csv/").get_data(as_text=True)]
    assert "wangfang" in pages[0]
    for page in pages:
        assert stored not in page and "$argon2" not in page and "password_hash" not in page


def test_editing_with_an_empty_password_keeps_the_old_one(kernel, admin_client, make_user):
    target = make_user("zhaolei", password="old-password-1")
    answer = post_form(admin_client, f"{USERS}/edit/?id={target.id}", login="zhaolei", name="赵磊",
                       password="", active="y", version_seen=str(target.version))
    assert answer.status_code == 302
    saved = user(kernel, "zhaolei")
    assert saved.name == "赵磊"
    assert verify_password(saved.password_hash, "old-password-1")


def test_deactivating_a_user_logs_them_out(kernel, app, admin_client, client_as, make_user):
    target = make_user("xujun")
    their_browser = client_as(target)
    assert their_browser.get("/admin/").status_code == 200
    page = admin_client.get(f"{USERS}/").get_data(as_text=True)
    admin_client.post(f"{USERS}/action/", data={"csrf_token": csrf_from(page), "action": "deactivate",
                                                "rowid": [str(target.id)]})
    assert user(kernel, "xujun").active is False
    assert their_browser.get("/admin/").status_code == 302


def test_nobody_deactivates_themselves(kernel, admin_client):
    me = user(kernel, "admin")
    answer = post_form(admin_client, f"{USERS}/edit/?id={me.id}", login="admin", name=me.name,
                       is_superuser="y", version_seen=str(me.version))
    assert "You cannot deactivate yourself." in answer.get_data(as_text=True)
    assert user(kernel, "admin").active is True


def test_only_a_superuser_offers_or_touches_the_superuser_flag(kernel, client_as, make_user):
    manager = make_user("hr", permissions=["core.user.read", "core.user.create", "core.user.update"])
    client = client_as(manager)
    form = client.get(f"{USERS}/new/").get_data(as_text=True)
    assert 'name="is_superuser"' not in form
    post_form(client, f"{USERS}/new/", login="sneaky", name="Sneaky", password="long-enough-1",
              active="y", is_superuser="y")
    assert user(kernel, "sneaky").is_superuser is False
    admin = user(kernel, "admin")
    answer = post_form(client, f"{USERS}/edit/?id={admin.id}", login="admin", name="Taken over",
                       password="hijacked-pass-1", active="y", version_seen=str(admin.version))
    assert "Only a superuser may change a superuser." in answer.get_data(as_text=True)
    assert verify_password(user(kernel, "admin").password_hash, "admin-test-pw")


# -- departments --------------------------------------------------------------------

def make_tree(kernel):
    with kernel.system_session() as s:
        ops = Department(name="运营中心", code="OPS")
        venue = Department(name="场地搭建部", code="VENUE", parent=ops)
        av = Department(name="设备租赁部", code="AV", parent=ops)
        light = Department(name="灯光组", code="LIGHT", parent=av)
        fin = Department(name="财务部", code="FIN")
        s.add_all([ops, venue, av, light, fin])
        s.commit()
        return {d.code: d.id for d in (ops, venue, av, light, fin)}


def test_departments_are_listed_as_a_tree(kernel, admin_client):
    make_tree(kernel)
    page = admin_client.get(f"{DEPTS}/").get_data(as_text=True)
    cells = re.findall(r'(?s)<td class="col-name">(.*?)</td>', page)
    names = [re.sub(r"<[^>]+>|└", "", cell).strip() for cell in cells]
    # roots by name, each followed by its children; sub-departments indented by depth
    assert names == ["财务部", "运营中心", "场地搭建部", "设备租赁部", "灯光组"]
    assert "padding-left: 3.0rem\">└ 灯光组" in page


def test_a_department_cannot_be_put_inside_itself(kernel, admin_client):
    ids = make_tree(kernel)
    with kernel.system_session() as s:
        ops = s.get(Department, ids["OPS"])
    answer = post_form(admin_client, f"{DEPTS}/edit/?id={ids['OPS']}", name="运营中心", code="OPS",
                       parent=str(ids["LIGHT"]), version_seen=str(ops.version))
    assert "A department cannot be placed inside itself." in answer.get_data(as_text=True)
    with kernel.system_session() as s:
        assert s.get(Department, ids["OPS"]).parent_id is None


def test_a_department_with_sub_departments_is_not_deleted(kernel, admin_client):
    ids = make_tree(kernel)
    page = admin_client.get(f"{DEPTS}/").get_data(as_text=True)
    answer = admin_client.post(f"{DEPTS}/delete/", data={"csrf_token": csrf_from(page), "id": ids["AV"]},
                               follow_redirects=True)
    assert "设备租赁部 still has sub-departments" in answer.get_data(as_text=True)
    with kernel.system_session() as s:
        assert s.get(Department, ids["AV"]) is not None


# -- roles --------------------------------------------------------------------------

def role(kernel, name):
    with kernel.system_session() as s:
        return s.scalar(select(Role).where(Role.name == name))


def test_role_permissions_are_chosen_from_the_catalogue_grouped_by_module(admin_client, plugin_enabled):
    plugin_enabled("example")
    page = admin_client.get(f"{ROLES}/new/").get_data(as_text=True)
    groups = re.findall(r'data-module="([a-z_]+)"', page)
    assert groups[0] == "core" and "example" in groups
    assert "Users: create" in page and 'value="core.user.create"' in page
    assert 'value="example.note.read_all"' in page


def test_permission_titles_follow_the_language(app, client_as, make_user):
    chinese = client_as(make_user("zh_admin", superuser=True), locale="zh_Hans")
    assert "用户：创建" in chinese.get(f"{ROLES}/new/").get_data(as_text=True)


def test_creating_a_role_saves_the_chosen_permissions(kernel, admin_client, plugin_enabled):
    plugin_enabled("example")
    post_form(admin_client, f"{ROLES}/new/", name="receptionist", title="前台",
              permission_ids=["core.user.read", "example.note.read"])
    created = role(kernel, "receptionist")
    assert created.title == "前台"
    assert created.permission_ids == {"core.user.read", "example.note.read"}


def test_an_undeclared_permission_cannot_be_chosen(kernel, admin_client):
    answer = post_form(admin_client, f"{ROLES}/new/", name="bogus", title="Bogus",
                       permission_ids=["core.user.read", "crm.everything.steal"])
    assert "Unknown permission: crm.everything.steal" in answer.get_data(as_text=True)
    assert role(kernel, "bogus") is None


def test_role_technical_name_is_read_only_once_created(kernel, admin_client):
    post_form(admin_client, f"{ROLES}/new/", name="planner", title="Planner", permission_ids=["core.user.read"])
    planner = role(kernel, "planner")
    form = admin_client.get(f"{ROLES}/edit/?id={planner.id}").get_data(as_text=True)
    assert re.search(r'id="name"[^>]*readonly|readonly[^>]*id="name"', form)
    answer = admin_client.post(f"{ROLES}/edit/?id={planner.id}", data={
        "csrf_token": csrf_from(form), "name": "renamed", "title": "Planner",
        "permission_ids": ["core.user.read", "core.user.update"], "version_seen": str(planner.version)})
    assert "The technical name of a role cannot be changed." in answer.get_data(as_text=True)
    assert role(kernel, "renamed") is None
    assert role(kernel, "planner").permission_ids == {"core.user.read"}


def test_saving_a_role_keeps_permissions_of_modules_no_longer_installed(kernel, admin_client):
    with kernel.system_session() as s:
        s.add(Role(name="legacy", title="Legacy", permissions=[RolePermission(permission="gone.thing.read")]))
        s.commit()
    legacy = role(kernel, "legacy")
    post_form(admin_client, f"{ROLES}/edit/?id={legacy.id}", name="legacy", title="Legacy",
              permission_ids=["core.role.read"], version_seen=str(legacy.version))
    assert role(kernel, "legacy").permission_ids == {"gone.thing.read", "core.role.read"}


def test_role_details_list_permission_titles(kernel, admin_client):
    admin_role = role(kernel, "administrator")
    page = admin_client.get(f"{ROLES}/details/?id={admin_role.id}").get_data(as_text=True)
    assert "Modules: enable, disable and uninstall" in page
