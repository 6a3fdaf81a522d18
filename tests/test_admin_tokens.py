"""API tokens in the admin: the raw token shown once, scopes and expiry, revoking, and each
user seeing only their own tokens unless they may read everyone's."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from core.security import tokens
from core.security.log import SecurityEvent
from core.security.models import ApiToken
from core.testing import csrf_from

TOKENS = "/admin/core_tokens"
OWN_TOKENS = ["core.token.create", "example.note.read"]


def issue_through_form(client, **fields):
    page = client.get(f"{TOKENS}/new/").get_data(as_text=True)
    return client.post(f"{TOKENS}/new/", data={"csrf_token": csrf_from(page), **fields})


def raw_token_on(page: str) -> str:
    match = re.search(r'id="issued-token"[^>]*value="(hw_[^"]+)"', page)
    assert match, "the new token is shown"
    return match.group(1)


def test_issuing_shows_the_token_once_and_keeps_only_its_hash(kernel, client_as, make_user, plugin_enabled):
    plugin_enabled("example")
    zhou = make_user("zhouqiang", permissions=OWN_TOKENS)
    client = client_as(zhou)
    answer = issue_through_form(client, name="报表脚本", scopes="example.note.read")
    raw = raw_token_on(answer.get_data(as_text=True))
    with kernel.system_session() as s:
        token = s.scalar(select(ApiToken))
        assert token.user_id == zhou.id and token.scopes == "example.note.read"
        assert raw not in (token.token_hash, token.prefix) and token.prefix == raw[:10]
        assert s.scalar(select(SecurityEvent).where(SecurityEvent.kind == "token_issued")) is not None
    assert raw not in client.get(f"{TOKENS}/").get_data(as_text=True)
    assert raw not in client.get(f"{TOKENS}/details/?id={token.id}").get_data(as_text=True)
    api = client_as(zhou).application.test_client()
    assert api.get("/api/v1/example/notes", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_scopes_must_name_declared_permissions_or_prefixes(kernel, client_as, make_user):
    client = client_as(make_user("wuli", permissions=OWN_TOKENS))
    answer = issue_through_form(client, name="bad", scopes="nowhere. nonsense.thing.do")
    assert "Unknown scope: nowhere. nonsense.thing.do" in answer.get_data(as_text=True)
    issue_through_form(client, name="good", scopes="core. core.user.read")
    with kernel.system_session() as s:
        assert [t.name for t in s.scalars(select(ApiToken))] == ["good"]


def test_expiry_is_the_end_of_the_chosen_day(kernel, client_as, make_user):
    client = client_as(make_user("sunyan", permissions=OWN_TOKENS))
    answer = issue_through_form(client, name="yesterday", expires_on=str(date.today() - timedelta(days=2)))
    assert "The expiry day has passed." in answer.get_data(as_text=True)
    day = date.today() + timedelta(days=30)
    issue_through_form(client, name="a month", expires_on=str(day))
    with kernel.system_session() as s:
        token = s.scalar(select(ApiToken))
    # midnight after that day in Shanghai is 16:00 UTC of that day
    assert (token.expires_at.date(), token.expires_at.hour) == (day, 16)


def test_a_user_sees_and_revokes_only_their_own_tokens(kernel, client_as, make_user):
    li = make_user("lina", permissions=OWN_TOKENS)
    liu = make_user("liuyang", permissions=OWN_TOKENS)
    with kernel.system_session() as s:
        mine, raw_mine = tokens.issue(s, li.id, "李娜的同步脚本")
        theirs, raw_theirs = tokens.issue(s, liu.id, "刘洋的看板")
        s.commit()
    client = client_as(li)
    listing = client.get(f"{TOKENS}/").get_data(as_text=True)
    assert "李娜的同步脚本" in listing and "刘洋的看板" not in listing
    assert client.get(f"{TOKENS}/details/?id={theirs.id}", follow_redirects=True).get_data(
        as_text=True).count("刘洋的看板") == 0
    token = csrf_from(listing)
    client.post(f"{TOKENS}/revoke/", data={"csrf_token": token, "id": theirs.id})
    client.post(f"{TOKENS}/revoke/", data={"csrf_token": token, "id": mine.id})
    with kernel.system_session() as s:
        assert tokens.resolve(s, raw_theirs) is not None
        assert tokens.resolve(s, raw_mine) is None
        assert s.scalar(select(SecurityEvent).where(SecurityEvent.kind == "token_revoked")).login == "lina"


def test_token_readers_see_everyone_s_tokens_and_revokers_revoke_them(kernel, client_as, make_user):
    owner = make_user("yangming", permissions=OWN_TOKENS)
    security = make_user("security", permissions=["core.token.read", "core.token.delete"])
    with kernel.system_session() as s:
        token, raw = tokens.issue(s, owner.id, "杨明的导入程序")
        s.commit()
    client = client_as(security)
    listing = client.get(f"{TOKENS}/").get_data(as_text=True)
    assert "杨明的导入程序" in listing
    client.post(f"{TOKENS}/revoke/", data={"csrf_token": csrf_from(listing), "id": token.id})
    with kernel.system_session() as s:
        assert tokens.resolve(s, raw) is None


def test_without_token_permissions_the_page_is_refused(client_as, make_user):
    assert client_as(make_user("guest")).get(f"{TOKENS}/").status_code == 403


def test_a_superuser_issues_a_token_for_an_integration_user(kernel, admin_client, make_user):
    robot = make_user("erp_robot", permissions=["example.note.read"])
    answer = issue_through_form(admin_client, name="ERP 对接", user_id=str(robot.id))
    raw_token_on(answer.get_data(as_text=True))
    with kernel.system_session() as s:
        assert s.scalar(select(ApiToken.user_id)) == robot.id


def test_a_token_holder_cannot_pick_another_user(kernel, client_as, make_user):
    other = make_user("other")
    client = client_as(make_user("chenjing", permissions=OWN_TOKENS))
    assert 'name="user_id"' not in client.get(f"{TOKENS}/new/").get_data(as_text=True)
    issue_through_form(client, name="sneaky", user_id=str(other.id))
    with kernel.system_session() as s:
        assert s.scalar(select(ApiToken.user_id)) != other.id
