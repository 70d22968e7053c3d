"""Output to one SSH channel that never blocks the loop and never queues without bound.

Every session's app runs in the server's single event loop, so a client that stops reading must
not make its app (or anyone else's) wait, and must not make the server buffer its frames forever.
asyncssh writes are non-blocking and buffer in the channel once the client's SSH window is full,
so `ChannelOutput` watches that buffer: above `limit` bytes it drops whole frames, and once the
client has read the backlog down to `limit // 4` it asks for one full repaint, which brings the
client's screen back in step. Worst case per stalled client: its SSH window (2 MiB with OpenSSH)
plus `limit`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 256 * 1024  # bytes waiting in the channel before frames are dropped
DRAIN_POLL_SECONDS = 0.1


class Channel(Protocol):
    """The part of asyncssh's SSHServerChannel that output needs (a fake in tests)."""

    def write(self, data: bytes) -> None: ...

    def get_write_buffer_size(self) -> int: ...


class ChannelOutput:
    """Frames and control sequences to one channel, with frame dropping under backpressure."""

    def __init__(
        self,
        channel: Channel,
        *,
        on_drained: Callable[[], None],
        limit: int = DEFAULT_LIMIT,
        poll_seconds: float = DRAIN_POLL_SECONDS,
    ) -> None:
        self._channel = channel
        self._on_drained = on_drained
        self.limit = limit
        self._poll_seconds = poll_seconds
        self._backlogged = False
        self._watch: asyncio.TimerHandle | None = None
        self.closed = False
        self.frames_sent = 0
        self.frames_dropped = 0

    @property
    def backlogged(self) -> bool:
        return self._backlogged

    def send(self, text: str) -> None:
        """Send terminal set-up or tear-down sequences: tiny, rare, never dropped."""
        self._write(text)

    def send_frame(self, text: str) -> bool:
        """Send one rendered frame, or drop it when the client is not keeping up."""
        if self.closed:
            return False
        if self._backlogged or self._channel.get_write_buffer_size() >= self.limit:
            self.frames_dropped += 1
            self._backlog()
            return False
        self._write(text)
        self.frames_sent += 1
        return True

    def close(self) -> None:
        self.closed = True
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    def _write(self, text: str) -> None:
        if self.closed or not text:
            return
        try:
            self._channel.write(text.encode("utf-8", errors="replace"))
        except (OSError, EOFError):  # the channel closed under us (BrokenPipeError is an OSError)
            self.close()

    def _backlog(self) -> None:
        if not self._backlogged:
            self._backlogged = True
            self._schedule_watch()

    def _schedule_watch(self) -> None:
        loop = asyncio.get_running_loop()
        self._watch = loop.call_later(self._poll_seconds, self._check_drained)

    def _check_drained(self) -> None:
        self._watch = None
        if self.closed:
            return
        if self._channel.get_write_buffer_size() > self.limit // 4:
            self._schedule_watch()
            return
        self._backlogged = False
        log.debug("output drained after dropping frames; repainting")
        self._on_drained()
