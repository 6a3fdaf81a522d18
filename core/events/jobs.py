"""RQ job entry points; they find the worker's kernel through ``core.kernel.current``."""
from __future__ import annotations

from core import kernel as kernel_module
from core.events import outbox


def deliver_message(message_id: int) -> str:
    if kernel_module.current is None:
        raise RuntimeError("no kernel in this process: run jobs with `huiwu worker`")
    return outbox.deliver(kernel_module.current, message_id)
