"""The contracts API: a booking's versions listed, each PDF served, to those who may see the booking only."""
from __future__ import annotations

import hashlib
from io import BytesIO

from pypdf import PdfReader

from plugins.resources.operations import booking as bookings
from plugins.resources.tests.conftest import T0, H

API = "/api/v1/resources/bookings"


def test_a_confirmed_booking_lists_its_versions_and_serves_each_pdf(client_as, pm, manager, project_for, hall,
                                                                   book, on_booking):
    booking = book(pm, project_for(pm), hall, T0, T0 + 8 * H)
    api = client_as(pm)
    assert api.get(f"{API}/{booking.id}/contracts").get_json() == []  # not confirmed: no contract yet

    on_booking(manager, bookings.approve, booking.id)
    on_booking(pm, bookings.change, booking.id, {"starts_at": T0 + 24 * H, "ends_at": T0 + 56 * H})
    listed = api.get(f"{API}/{booking.id}/contracts")
    assert listed.status_code == 200
    first, second = listed.get_json()
    assert (first["revision"], second["revision"]) == (1, 2)
    assert (first["note"], second["note"]) == ("Confirmed", "Changed")
    assert second["number"] == first["number"] + "-V2" and second["total"] == "42400.00"
    assert second["url"] == f"{API}/{booking.id}/contracts/2" and second["created_at"]

    pdf = api.get(second["url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="{second["number"]}.pdf"'
    assert hashlib.sha256(pdf.data).hexdigest() == second["sha256"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert booking.code in text and second["number"] in text
    assert api.get(f"{API}/{booking.id}/contracts/3").status_code == 404


def test_only_who_may_see_the_booking_reads_its_contracts(client_as, make_user, pm, manager, project_for, hall,
                                                          book, on_booking):
    booking = book(pm, project_for(pm), hall, T0, T0 + 8 * H)
    on_booking(manager, bookings.approve, booking.id)
    stranger = client_as(make_user("lina", roles=["project_manager"]))
    for url in (f"{API}/{booking.id}/contracts", f"{API}/{booking.id}/contracts/1", f"{API}/999/contracts"):
        missing = stranger.get(url)
        assert missing.status_code == 404 and missing.get_json()["code"] == "not_found", url
    staff = client_as(make_user("zhao", roles=["department_staff"]))  # reads bookings, not contracts
    assert staff.get(f"{API}/{booking.id}/contracts").status_code == 403
    assert client_as("executive").get(f"{API}/{booking.id}/contracts/1").status_code == 200
    assert client_as(manager).get(f"{API}/{booking.id}/contracts").status_code == 200


def test_the_contract_routes_are_documented(client_as):
    spec = client_as("resource_manager").get("/api/v1/openapi.json").get_json()
    pdf = spec["paths"]["/api/v1/resources/bookings/{booking_id}/contracts/{revision}"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    assert "/api/v1/resources/bookings/{booking_id}/contracts" in spec["paths"]
