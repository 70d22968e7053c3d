"""A closed terminal ends the app: within moments, whatever is open, with the draft kept.

Textual's Linux driver writes through a thread fed by a bounded queue (30 writes). When the
terminal goes away (a tmux pane killed, an xterm closed, an ssh link dropped), the first write
fails with EIO, the thread dies, and the queue is never drained again: the next 30 writes fill
it and the 31st blocks forever. The shutdown itself writes (mouse off, alt screen off, ...), so a
board with a busy screen -- the BEST panel open -- hung in `LinuxDriver.disable_input ->
WriterThread.write -> Queue.put` for good. Here the writer drops output once the terminal is gone,
reading the terminal's end as a hangup too; and a last-resort timer ends the process should any
other part of the shutdown wait on the terminal.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

# After a hangup the app has this long to close its screens (drafts kept) and its files; then
# the process ends regardless (a terminal that is gone cannot be waited for).
HANGUP_GRACE_SECONDS = 1.5
HANGUP_EXIT_CODE = 129  # 128 + SIGHUP, as a shell reports a hung-up job


class TerminalWriter(WriterThread):
    """Textual's writer thread, that drops what it is given once the terminal is gone, and keeps
    draining its queue so that no writer ever blocks on it."""

    def __init__(self, file: Any) -> None:
        super().__init__(file)
        self.gone = threading.Event()

    def write(self, text: str) -> None:
        if not self.gone.is_set():
            super().write(text)

    def run(self) -> None:
        try:
            super().run()
            return
        except (OSError, ValueError):  # EIO, EPIPE, or the file closed: the terminal is gone
            self.gone.set()
        while self._queue.get() is not None:  # unblock anyone still putting; end on stop()
            pass

    def stop(self) -> None:
        self.gone.set()
        self._queue.put(None)
        self.join(timeout=HANGUP_GRACE_SECONDS)


class HangupSafeDriver(LinuxDriver):
    """The Linux driver with a writer that never blocks on a terminal that is gone, and that
    treats the terminal's end of input as a hangup."""

    def start_application_mode(self) -> None:
        super().start_application_mode()
        original = self._writer_thread
        writer = TerminalWriter(self._file)
        writer.start()
        self._writer_thread = writer
        if original is not None:  # it has written the start-up sequences: let it finish them
            original._queue.put(None)
            original.join(timeout=HANGUP_GRACE_SECONDS)

    def terminal_gone(self) -> None:
        """Drop all further output (called on SIGHUP)."""
        if isinstance(self._writer_thread, TerminalWriter):
            self._writer_thread.gone.set()

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError:  # EIO on read: the terminal's other end is closed
            self.terminal_gone()
            hangup = getattr(self._app, "hangup", None)
            if hangup is not None:
                self._app.call_later(hangup)


def end_process_after(seconds: float = HANGUP_GRACE_SECONDS) -> None:
    """Start the last-resort timer: the process ends `seconds` from now, however its shutdown
    is going. A daemon thread, so a shutdown that finishes first is not delayed."""

    def expire() -> None:
        os._exit(HANGUP_EXIT_CODE)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
