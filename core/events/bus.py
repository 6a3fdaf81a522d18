"""The event bus.

An event is a name (``project.confirmed``) and a JSON-able payload. Each
handler says how it wants it:

* in the transaction: called during ``emit``, inside the emitter's
  transaction; raising a ``DomainError`` vetoes the whole action (the error
  leaves ``emit``, the caller's transaction is rolled back, the person sees
  the message);
* after commit: ``emit`` writes one outbox row per such handler in the same
  transaction; the outbox delivers it once the transaction committed,
  retrying until it succeeds or is dead-lettered. One failing handler never
  holds up another: each has a message of its own.

Both kinds are called as ``func(session, payload)``. Receivers of disabled
plugins are skipped, both at emit and at delivery. Receivers are called in
plugin dependency order (the kernel first), then in declaration order,
whatever order they were connected in.

Observers (``add_observer``) see every emitted event after the handlers
agreed to it; the kernel forwards events to webhooks that way.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

import blinker

from core.events.outbox import enqueue

EVENT_TARGET_PREFIX = "event:"


@dataclass(frozen=True)
class EventType:
    #: ``<plugin>.<past_tense>``
    name: str
    #: Who sends it, when, and what the payload holds.
    doc: str = ""
    fields: tuple[str, ...] = ()
    #: Filled by the kernel with the plugin that declared it.
    plugin: str | None = None


@dataclass(frozen=True)
class Handler:
    event: str
    #: ``func(session, payload)``
    func: Callable
    after_commit: bool = False
    #: Filled by the kernel with the plugin that declared it.
    plugin: str | None = None
    #: Stable id kept in outbox rows; defaults to the function's dotted path.
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
        self.in_transaction: dict[str, list[Handler]] = {}
        self.after_commit: dict[str, list[Handler]] = {}
        self.by_target: dict[str, Handler] = {}
        self.observers: list[Callable] = []
        self._seq = count()
        self._rank: dict[Handler, tuple[int, int]] = {}
        self._receivers: dict[str, list[Callable]] = {}

    # -- declaring --------------------------------------------------------

    def declare(self, event_type: EventType) -> None:
        plugin = event_type.plugin
        if plugin is not None and not event_type.name.startswith(plugin + "."):
            raise ValueError(f"plugin {plugin!r} declares event {event_type.name!r} outside its prefix")
        self.types[event_type.name] = event_type

    def connect(self, handler: Handler) -> None:
        target = EVENT_TARGET_PREFIX + handler.target
        if target in self.by_target and self.by_target[target] is not handler:
            raise ValueError(f"two event handlers share the id {handler.target!r}; give one a name=")
        self.by_target[target] = handler
        self._rank[handler] = (self._plugin_rank(handler.plugin), next(self._seq))
        kind = self.after_commit if handler.after_commit else self.in_transaction
        kind[handler.event] = sorted(kind.get(handler.event, []) + [handler], key=self._rank.__getitem__)
        if not handler.after_commit:
            self._rebuild_signal(handler.event)

    def disconnect(self, handler: Handler) -> None:
        """Remove a handler (tests; handlers of plugins are never removed, only skipped)."""
        self.by_target.pop(EVENT_TARGET_PREFIX + handler.target, None)
        kind = self.after_commit if handler.after_commit else self.in_transaction
        kind[handler.event] = [h for h in kind.get(handler.event, []) if h is not handler]
        self._rank.pop(handler, None)
        if not handler.after_commit:
            self._rebuild_signal(handler.event)

    def add_observer(self, func: Callable) -> None:
        """``func(session, event, payload)`` is called for every event that was not vetoed."""
        self.observers.append(func)

    def _plugin_rank(self, plugin: str | None) -> int:
        if plugin is None:
            return -1
        order = self.registry.order
        return order.index(plugin) if plugin in order else len(order)

    def _rebuild_signal(self, event: str) -> None:
        """Reconnect the signal's receivers in rank order (blinker keeps insertion order)."""
        signal = self.namespace.signal(event)
        for receiver in self._receivers.pop(event, []):
            signal.disconnect(receiver)
        for handler in self.in_transaction.get(event, []):
            receiver = self._receiver(handler)
            signal.connect(receiver, weak=False)
            self._receivers.setdefault(event, []).append(receiver)

    def _receiver(self, handler: Handler) -> Callable:
        registry, func, plugin = self.registry, handler.func, handler.plugin

        def receiver(session, payload):
            if plugin is None or plugin in registry.enabled(session):
                func(session, payload)

        return receiver

    # -- emitting ---------------------------------------------------------

    def emit(self, session, event: str, **payload) -> None:
        """Tell every enabled listener that ``event`` happened; see the module docstring."""
        json.dumps(payload)  # fail in the emitter, not in a worker hours later
        signal = self.namespace.get(event)
        if signal is not None:
            for receiver in signal.receivers.values():
                receiver(session, payload)
        handlers = self.after_commit.get(event)
        if handlers:
            enabled = self.registry.enabled(session)
            for handler in handlers:
                if handler.plugin is None or handler.plugin in enabled:
                    enqueue(session, EVENT_TARGET_PREFIX + handler.target, {"event": event, "payload": payload})
        for observer in self.observers:
            observer(session, event, payload)

    # -- delivering -------------------------------------------------------

    def delivery_target(self, target: str, session) -> Callable | None:
        """The function delivering an outbox row of an after-commit handler; None when its plugin is off."""
        handler = self.by_target.get(target)
        if handler is None:
            raise LookupError(f"no event handler {target!r} is installed")
        if not self.registry.is_enabled(session, handler.plugin):
            return None

        def deliver(session, envelope):
            handler.func(session, envelope["payload"])

        return deliver


def emit(session, event: str, **payload) -> None:
    """Emit through the kernel the session belongs to."""
    session.info["kernel"].bus.emit(session, event, **payload)
