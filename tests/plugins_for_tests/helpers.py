"""A second kernel on the test database, as a second worker process would have.

``Kernel()`` makes itself ``core.kernel.current`` (what RQ jobs use); a test
that builds another must give the first its place back afterwards.
"""
from __future__ import annotations

from contextlib import contextmanager

import core.kernel
from core.testing import make_settings


@contextmanager
def another_kernel(kernel, registry=None):
    """A new Kernel on ``kernel``'s database and instance folder; disposed afterwards."""
    from core.kernel import Kernel

    before = core.kernel.current
    settings = make_settings(kernel.settings.database_url, kernel.settings.instance_path)
    other = Kernel(settings, registry=registry)
    try:
        yield other
    finally:
        other.dispose()
        core.kernel.current = before
