"""Building many objects at once: pause the cyclic garbage collector meanwhile.

Loading 20,000 profiles or explaining 100,000 matches creates millions of small objects,
none of them in reference cycles. Python's cyclic collector would walk all of them again
and again as they pile up (it is triggered by allocations), doubling the time; reference
counting frees everything that matters anyway. :func:`paused_gc` switches the collector off
for such a step and back on after it (if it was on), so nothing changes outside the step.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused (re-entrant)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
