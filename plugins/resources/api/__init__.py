"""The resources REST API under ``/api/v1/resources``: thin views over ``operations``.

Routes (permissions in brackets)::

    GET  POST          /resources                     [resources.resource.read / create] ?q= ?kind= ?status= ?city=
    GET  PATCH         /resources/<id>                [read / update]; PATCH needs ``version``
    GET  POST          /suppliers                     [resources.supplier.read / create]
    GET  PATCH DELETE  /suppliers/<id>                [read / update / delete]; PATCH needs ``version``
    GET  POST          /bookings                      [resources.booking.read / create] ?q= ?project_id=
                                                      ?resource_id= ?status= ?kind= ?from= ?to=;
                                                      POST {..., hold, waitlist}
    GET  PATCH         /bookings/<id>                 [read / update]; PATCH window, quantity ... + ``version``
    POST               /bookings/<id>/approve         [resources.booking.approve]
    POST               /bookings/<id>/reject          {reason} [resources.booking.approve]
    POST               /bookings/<id>/confirm         [resources.booking.update] (a hold)
    POST               /bookings/<id>/cancel          {reason} [resources.booking.cancel]
    GET                /bookings/<id>/contracts       [resources.contract.read] the versions: revision, number,
                                                      created_at, sha256, note, total, url
    GET                /bookings/<id>/contracts/<rev> [resources.contract.read] that version's PDF
    POST               /quote                         [resources.resource.read] the price, nothing booked
    GET  POST          /needs                         [resources.need.read / create] ?project_id= ?status= ?kind=
    GET  PATCH DELETE  /needs/<id>                    [read / update / delete]; PATCH needs ``version``
    POST               /needs/<id>/cancel             [resources.need.update]
    POST               /allocations                   [resources.allocation.run] {project_id} or
                                                      {starts_at, ends_at, kinds}: a proposal, nothing booked
    GET                /allocations/<id>              [resources.allocation.run] a proposal kept
    POST               /allocations/<id>/apply        [resources.allocation.apply] book it all, or 409

A slot already taken answers 409 naming the booking in the way; bad input
422 naming the field; a stale ``version`` 409; a booking one may not see 404.
"""
from core.api.blueprint import Blueprint

blp = Blueprint("resources", __name__, url_prefix="resources",
                description="Venues, equipment, caterers, troupes; suppliers; bookings")

from plugins.resources.api import allocations, bookings, catalogue, contracts  # noqa: F401  (routes)
