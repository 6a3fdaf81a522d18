"""How plugins tell each other what happened (blinker), and the outbox that
delivers what must happen after commit."""
from core.events.bus import EventBus, EventType, Handler, emit  # noqa: F401
