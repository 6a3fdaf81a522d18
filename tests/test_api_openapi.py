"""The OpenAPI document, the offline docs page, and garbage thrown at every endpoint it lists."""
import re

import pytest
from sqlalchemy import select

from core.security.models import User
from core.security.tokens import issue
from core.testing import plugin_state

WRITE_METHODS = ("post", "put", "patch")
#: Bodies no endpoint may accept; (data, content type).
GARBAGE_BODIES = [
    ('{"title": ', "application/json"),
    ("[1, 2, 3]", "application/json"),
    ('"just a string"', "application/json"),
    ("null", "application/json"),
    ("{}", "application/json"),
    ("title=x&version=1", "application/x-www-form-urlencoded"),
    ("\x00\xff garbage", "text/plain"),
]
#: Values for every property of the body schema: wrong types, too large, too long, NUL bytes.
GARBAGE_VALUES = [{"nested": [None]}, 10**30, -(10**30), "x" * 100_000, "\x00", None, [[[]]], True]
GARBAGE_PATH_VALUES = ["abc", "-1", "1.5", "99999999999999999999999", "%00"]
GARBAGE_QUERY_VALUES = ["abc", "-1", "0", "100000000000000000000000", "", "\x00", "x" * 5000]


@pytest.fixture
def root(app, kernel, plugin_enabled, make_user):
    """The administrator's bearer token, with one row behind every id in a path."""
    plugin_enabled("example")
    with kernel.system_session() as s:
        admin = s.scalar(select(User).where(User.login == "admin"))
        token, raw = issue(s, admin.id, "garbage")
        s.commit()
        ids = {"token_id": token.id, "user_id": admin.id}
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    ids["note_id"] = client.post("/api/v1/example/notes", json={"title": "target"}).get_json()["id"]
    return client, ids


def operations(spec, methods=None):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method in ("get", "post", "put", "patch", "delete") and (methods is None or method in methods):
                yield path, method, op


def body_properties(spec, op) -> list[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    schema = spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    return list(schema.get("properties", {}))


def fill(path, ids, value=None):
    return re.sub(r"\{(\w+)\}", lambda m: str(value if value is not None else ids.get(m.group(1), 999999)), path)


def assert_4xx_json(response, what):
    assert 400 <= response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    body = response.get_json()
    assert set(body) == {"code", "message", "errors"}, what
    assert isinstance(body["errors"], dict) and all(isinstance(v, list) for v in body["errors"].values()), what


def test_spec_is_served_with_bearer_auth(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert {"/api/v1/core/me", "/api/v1/core/tokens", "/api/v1/core/users", "/api/v1/core/modules",
            "/api/v1/core/audit"} <= set(spec["paths"])
    assert spec["components"]["schemas"]["Error"]["properties"]["code"]["type"] == "string"


def test_spec_leaves_out_a_disabled_plugin(app, kernel, plugin_enabled):
    plugin_enabled("example")
    client = app.test_client()
    assert "/api/v1/example/notes" in client.get("/api/v1/openapi.json").get_json()["paths"]
    with plugin_state(kernel, "example", False):
        spec = client.get("/api/v1/openapi.json").get_json()
        assert not [p for p in spec["paths"] if p.startswith("/api/v1/example")]
        assert "example" not in [t["name"] for t in spec["tags"]]


def test_docs_page_loads_nothing_from_another_host(app):
    client = app.test_client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "SwaggerUIBundle" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]", html, re.IGNORECASE), "an external URL on the docs page"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/api/v1/docs/static/")
        response = client.get(asset)
        assert response.status_code == 200 and response.content_length > 100, asset
        response.close()


def test_garbage_bodies_to_every_write_endpoint_are_4xx_json(app, root):
    client, ids = root
    spec = client.get("/api/v1/openapi.json").get_json()
    writes = list(operations(spec, WRITE_METHODS))
    assert {("/api/v1/core/tokens", "post"), ("/api/v1/core/users", "post"), ("/api/v1/core/users/{user_id}", "patch"),
            ("/api/v1/example/notes", "post"), ("/api/v1/example/notes/{note_id}", "patch")} <= {
        (p, m) for p, m, _ in writes}
    for path, method, op in writes:
        url = fill(path, ids)
        if "requestBody" not in op:
            continue  # an action without input (e.g. "recompute") has no body to get wrong
        for data, content_type in GARBAGE_BODIES:
            response = client.open(url, method=method.upper(), data=data, content_type=content_type)
            assert_4xx_json(response, f"{method} {path} {data!r}")
        for value in GARBAGE_VALUES:
            body = {name: value for name in body_properties(spec, op)} or {"anything": value}
            response = client.open(url, method=method.upper(), json=body)
            assert_4xx_json(response, f"{method} {path} {str(value)[:40]!r}")
    assert client.get(f"/api/v1/example/notes/{ids['note_id']}").get_json()["title"] == "target"


def test_garbage_ids_in_every_path_are_4xx_json(app, root):
    client, ids = root
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, method, _op in operations(spec):
        if "{" not in path:
            continue
        for value in GARBAGE_PATH_VALUES:
            response = client.open(fill(path, ids, value), method=method.upper(), json={})
            assert_4xx_json(response, f"{method} {path} {value!r}")


def test_garbage_query_strings_never_fail_the_server(app, root):
    client, ids = root
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, _method, op in operations(spec, ("get",)):
        names = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"] or ["anything"]
        for value in GARBAGE_QUERY_VALUES:
            response = client.get(fill(path, ids), query_string={name: value for name in names})
            if response.status_code >= 400:
                assert_4xx_json(response, f"GET {path} {value[:20]!r}")
            else:
                assert response.status_code == 200, f"GET {path} {value[:20]!r}"


def test_every_write_endpoint_wants_a_caller(app, root):
    client, ids = root
    anonymous = app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, method, _op in operations(spec, WRITE_METHODS + ("delete",)):
        response = anonymous.open(fill(path, ids), method=method.upper(), json={})
        assert_4xx_json(response, f"{method} {path}")
        assert response.status_code == 401, f"{method} {path}"
