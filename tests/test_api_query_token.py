"""A token in the query string counts only on API routes that opt in (``core.web.auth.token_in_query``)."""
from flask import Flask
from flask.views import MethodView

from core.security.tokens import issue
from core.web.auth import QUERY_TOKEN_FLAG, token_in_query


def test_a_route_that_did_not_opt_in_ignores_a_token_in_the_url(app, kernel, make_user):
    user = make_user("zhou", permissions=["core.token.read"])
    with kernel.system_session() as s:
        _token, raw = issue(s, user.id, "日历")
        s.commit()
    client = app.test_client()
    assert client.get(f"/api/v1/core/me?token={raw}").status_code == 401
    assert client.get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_opting_in_marks_functions_and_method_views():
    @token_in_query
    def feed():
        return "ok"

    @token_in_query
    class Feed(MethodView):
        def get(self):
            return "ok"

    app = Flask(__name__)
    app.add_url_rule("/f", view_func=feed)
    app.add_url_rule("/g", view_func=Feed.as_view("g"))
    assert getattr(app.view_functions["feed"], QUERY_TOKEN_FLAG)
    assert getattr(app.view_functions["g"].view_class, QUERY_TOKEN_FLAG)
