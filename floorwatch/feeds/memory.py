"""Give the memory a cold load only borrowed back to the system.

Reading a day of feeds builds large transient buffers (pyarrow tables, pandas frames). Once the
rows are in the metrics engine those are garbage, but pyarrow's pool and glibc's malloc keep the
freed pages mapped, and the process looks hundreds of MB larger than what it holds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

import pyarrow as pa

log = logging.getLogger(__name__)


def release_unused_memory() -> None:
    """Return freed memory to the OS where the allocators allow it (best effort, never fails)."""
    gc.collect()
    try:
        pa.default_memory_pool().release_unused()
    except Exception:  # an old pyarrow or a pool without the call: nothing to give back
        log.debug("pyarrow pool release failed", exc_info=True)
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return
    try:
        trim = ctypes.CDLL(libc_name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
