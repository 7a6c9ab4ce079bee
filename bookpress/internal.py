"""What an unexpected exception (a bug in bookpress) becomes: one line, and exit status 70.

The author sees ``internal error: <type>: <message> (please report it)`` on
stderr and never a traceback. Developers set ``BOOKPRESS_DEBUG=1`` to get the
traceback printed before that line.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable

EX_SOFTWARE = 70  # sysexits.h: an internal software error
DEBUG_VARIABLE = "BOOKPRESS_DEBUG"
MAX_MESSAGE = 300  # characters of the exception's message shown


def debugging() -> bool:
    """True when ``BOOKPRESS_DEBUG`` asks for tracebacks."""
    return os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")


def describe(error: BaseException) -> str:
    """The one line shown for ``error``; whitespace folded, length bounded."""
    message = " ".join(str(error).split())
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    kind = type(error).__name__
    return (
        f"internal error: {kind}: {message} (please report it)"
        if message
        else (f"internal error: {kind} (please report it)")
    )


def report(error: BaseException, echo: Callable[[str], None]) -> None:
    """Hand the line for ``error`` to ``echo``, after the traceback when debugging."""
    if debugging():
        for chunk in traceback.format_exception(error):
            echo(chunk.rstrip("\n"))
    echo(describe(error))
