"""What a plugin publishes for analysis (``huiwu_analytics_datasets``).

The kernel only carries the declaration; an analytics plugin reads them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    #: ``<plugin>.<dataset>``
    name: str
    title: object
    #: ``query(session, **params)`` returns an iterable of dict rows.
    query: Callable
    #: Column name -> lazy-translated label.
    columns: dict
    description: object = ""
    #: Filled by the kernel.
    plugin: str | None = None
