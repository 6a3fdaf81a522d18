"""Guards: each endpoint's checks are planned once, then run on every request to it, in order."""
from types import SimpleNamespace

from flask import Blueprint, Flask

from core.web.gating import EndpointOwners, init_gating
from core.web.guards import Guards


def make_app():
    app = Flask("guarded")
    shop = Blueprint("shop", __name__)
    shop.add_url_rule("/items", "items", lambda: "items")
    app.register_blueprint(shop, url_prefix="/shop")
    app.add_url_rule("/", "home", lambda: "home")
    return app


def test_a_planner_is_asked_once_per_endpoint_and_its_check_runs_every_time():
    app, asked, ran = make_app(), [], []
    guards = Guards(app)

    def planner(endpoint, blueprints):
        asked.append((endpoint, blueprints))
        if "shop" not in blueprints:
            return None
        return lambda req: ran.append(req.path)

    guards.add(planner)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/shop/items").get_data(as_text=True) == "items"
        assert client.get("/").get_data(as_text=True) == "home"
    assert asked == [("shop.items", ("shop",)), ("home", ())]
    assert ran == ["/shop/items"] * 3


def test_the_first_check_that_answers_stops_the_others_and_the_view():
    app, ran = make_app(), []
    guards = Guards(app)
    guards.add(lambda endpoint, _bps: (lambda req: ran.append("first")))
    guards.add(lambda endpoint, _bps: (lambda req: ("closed", 403)) if endpoint == "shop.items" else None)
    guards.add(lambda endpoint, _bps: (lambda req: ran.append("third")))
    client = app.test_client()
    response = client.get("/shop/items")
    assert (response.status_code, response.get_data(as_text=True)) == (403, "closed")
    assert ran == ["first"]
    assert client.get("/").status_code == 200
    assert ran == ["first", "first", "third"]


def test_a_guard_added_later_is_planned_for_endpoints_already_seen():
    app, ran = make_app(), []
    guards = Guards(app)
    client = app.test_client()
    client.get("/")
    guards.add(lambda endpoint, _bps: (lambda req: ran.append(endpoint)))
    client.get("/")
    assert ran == ["home"]


def test_an_endpoint_claimed_after_it_was_planned_is_gated_from_then_on():
    app, enabled = make_app(), set()
    guards, owners = Guards(app), EndpointOwners()
    kernel = SimpleNamespace(session=lambda: None,
                             registry=SimpleNamespace(is_enabled=lambda _session, plugin: plugin in enabled))
    init_gating(kernel, owners, guards)
    client = app.test_client()
    assert client.get("/shop/items").status_code == 200  # nobody owns it yet
    owners.claim_prefix("shop", "shop_module")
    assert client.get("/shop/items").status_code == 404  # its module is off
    enabled.add("shop_module")
    assert client.get("/shop/items").status_code == 200
