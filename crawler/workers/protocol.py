"""The crawler-to-worker wire format: a pickled message behind an 8-byte length prefix."""

from __future__ import annotations

import socket

HEADER = 8  # bytes of the length prefix of each message


def frame(data: bytes) -> bytes:
    return len(data).to_bytes(HEADER, "big") + data


def recv_exact(sock: socket.socket, size: int) -> bytes | None:
    """Blocking read of ``size`` bytes; None at end of stream."""
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buf)
