"""plotly.js for every chart a module draws, served from the installed plotly package.

Customers run Huiwu on closed networks, so no page may load a script from a
CDN; and one address for all modules lets the browser cache it once.
"""
from __future__ import annotations

from functools import cache

from flask import Blueprint, Response

bp = Blueprint("huiwu_charts", __name__)


@cache
def _script() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@bp.route("/charts/plotly.min.js")
def plotly_js():
    response = Response(_script(), mimetype="application/javascript")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response
