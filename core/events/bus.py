"""The event bus.

An event is a name (``project.confirmed``) and a JSON-able payload. Each
handler says how it wants it:

* in the transaction: called during ``emit``, inside the emitter's
  transaction; raising a ``DomainError`` vetoes the whole action;
* after commit: ``emit`` writes one outbox row per such handler in the same
  transaction; the outbox delivers it once the transaction committed,
  retrying until it succeeds or is dead-lettered.

Receivers of disabled plugins are skipped, both at emit and at delivery.
Receivers are called in plugin dependency order, then declaration order.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import blinker

from core.events.outbox import enqueue


@dataclass(frozen=True)
class EventType:
    #: ``<plugin>.<past_tense>``
    name: str
    #: Who sends it, when, and what the payload holds.
    doc: str = ""
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Handler:
    event: str
    func: Callable
    after_commit: bool = False
    #: Filled by the kernel with the plugin that declared it.
    plugin: str | None = None
    name: str = field(default="")

    @property
    def target(self) -> str:
        """Stable id of the handler, kept in outbox rows."""
        return self.name or f"{self.func.__module__}.{self.func.__qualname__}"


class EventBus:
    def __init__(self, registry):
        self.registry = registry
        self.namespace = blinker.Namespace()
        self.types: dict[str, EventType] = {}
        self.after_commit: dict[str, list[Handler]] = {}
        self.by_target: dict[str, Handler] = {}

    def declare(self, event_type: EventType) -> None:
        self.types[event_type.name] = event_type

    def connect(self, handler: Handler) -> None:
        self.by_target[f"event:{handler.target}"] = handler
        if handler.after_commit:
            self.after_commit.setdefault(handler.event, []).append(handler)
            return
        registry, func, plugin = self.registry, handler.func, handler.plugin

        def receiver(session, payload):
            if plugin is None or plugin in registry.enabled(session):
                func(session, payload)

        self.namespace.signal(handler.event).connect(receiver, weak=False)

    def emit(self, session, event: str, **payload) -> None:
        """Tell every enabled listener that ``event`` happened; see the module docstring."""
        json.dumps(payload)  # fail in the emitter, not in a worker hours later
        signal = self.namespace.get(event)
        if signal is not None and signal.receivers:
            for receiver in signal.receivers.values():
                receiver(session, payload)
        handlers = self.after_commit.get(event)
        if handlers:
            enabled = self.registry.enabled(session)
            for handler in handlers:
                if handler.plugin is None or handler.plugin in enabled:
                    enqueue(session, f"event:{handler.target}", {"event": event, "payload": payload})


def emit(session, event: str, **payload) -> None:
    """Emit through the kernel the session belongs to."""
    session.info["kernel"].bus.emit(session, event, **payload)
