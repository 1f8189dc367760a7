"""Progress lines on a terminal: one line rewritten in place, or plain lines when piped."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """Rewrites one status line at most every `interval_s`; `done` leaves it on screen."""

    def __init__(self, stream: TextIO | None = None, interval_s: float = 0.5) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        # a log file gets a line every few seconds, not a line per update
        self._interval = interval_s if self._tty else interval_s * 10
        self._last = 0.0
        self._width = 0

    def update(self, text: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self._interval:
            return
        self._last = now
        if self._tty:
            padding = " " * max(0, self._width - len(text))
            self._stream.write(f"\r{text}{padding}")
            self._width = len(text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def done(self, text: str) -> None:
        if self._tty:
            padding = " " * max(0, self._width - len(text))
            self._stream.write(f"\r{text}{padding}\n")
        else:
            self._stream.write(text + "\n")
        self._width = 0
        self._stream.flush()

    def say(self, text: str) -> None:
        """A line of its own (after the progress line, if any)."""
        if self._tty and self._width:
            self._stream.write("\n")
            self._width = 0
        self._stream.write(text + "\n")
        self._stream.flush()
