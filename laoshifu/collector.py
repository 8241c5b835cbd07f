"""Python's cycle collector paused while many long-lived objects are made at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off for a burst of objects that all stay alive and hold no
    cycles (a folder's units, a base read back): it would walk them over and over while
    they are made (a quarter of reading 100,000 units). Left as the caller had it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What is left goes to the oldest generation unwalked (freeze, then unfreeze):
        # the first collection after would otherwise walk every object made (0.3 s).
        gc.freeze()
        gc.unfreeze()
        if was_on:
            gc.enable()
