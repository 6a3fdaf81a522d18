"""The CRM's REST API under ``/api/v1/crm``: thin views over ``operations``.

Routes (permissions in brackets)::

    GET  POST        /customers                     [crm.customer.read / create]
    GET  PATCH DELETE /customers/<id>               [read / update / delete]; PATCH needs ``version``
    GET              /customers/<id>/contacts       [crm.contact.read]
    GET              /customers/<id>/timeline       [crm.communication.read]
    GET  POST        /contacts                      [crm.contact.read / create]; GET ?mobile= ?email=
    GET  PATCH       /contacts/<id>                 [crm.contact.read / update]
    POST             /communications                [crm.communication.create]
    POST             /communications/eml            [crm.communication.create] multipart ``file``
    POST             /communications/<id>/files     [crm.communication.update] multipart ``file``
    GET              /segments                      [crm.segment.read]
    POST             /segments/recompute            [crm.segment.recompute]
    GET              /segments/<code>/campaign      [crm.segment.export] ?format=xlsx|csv
    POST             /import                        [crm.customer.import] multipart ``file``
    GET              /export                        [crm.customer.export] ?format=xlsx|csv
"""
from core.api.blueprint import Blueprint

blp = Blueprint("crm", __name__, url_prefix="crm", description="Customers, contacts, records, segments")

from plugins.crm.api import customers, files, records, segments  # noqa: F401  (routes)
