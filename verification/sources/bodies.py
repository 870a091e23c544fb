"""Reading a fetched body: undo its Content-Encoding within the size cap, and say what an HTTP
error status means for the person who asked (and whether trying again may help)."""

import zlib

from verification.sources.errors import FetchError


def human_size(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"


class BodyDecoder:
    """Undo Content-Encoding while never producing more than ``limit`` bytes in total."""

    def __init__(self, encoding: str, limit: int):
        self.limit = limit
        self.size = 0
        self.encoding = encoding
        if encoding in ("", "identity"):
            self.inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = None  # chosen on the first chunk: zlib-wrapped or raw
        else:
            raise FetchError(f"not a supported content encoding: {encoding}")
        self.started = False

    def feed(self, data: bytes) -> bytes:
        if self.encoding in ("", "identity"):
            return self._count(data)
        if not self.started:
            self.started = True
            if self.encoding == "deflate":
                # Servers disagree on whether "deflate" means zlib-wrapped or raw data.
                header = int.from_bytes(data[:2], "big")
                wrapped = len(data) >= 2 and (data[0] & 0x0F) == 8 and header % 31 == 0
                self.inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        out = []
        pending = data
        try:
            while pending:
                # max_length bounds the memory of every step; the tail is fed on the next turn.
                chunk = self.inflater.decompress(pending, self.limit - self.size + 1)
                out.append(self._count(chunk))
                pending = self.inflater.unconsumed_tail
                if self.inflater.eof:
                    break
        except zlib.error as exc:
            raise FetchError(f"the {self.encoding} body is corrupt") from exc
        return b"".join(out)

    def finish(self) -> bytes:
        if self.inflater is None:
            return b""
        if not self.inflater.eof:
            raise FetchError(f"the {self.encoding} body ended early", transient=True)
        return self._count(self.inflater.flush())

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(f"too large: over {human_size(self.limit)}")
        return data


def status_error(status: int) -> FetchError:
    if status == 404:
        return FetchError("not found (HTTP 404)")
    if status == 410:
        return FetchError("gone (HTTP 410)")
    if status == 429:
        return FetchError("rate limited by the server (HTTP 429)", transient=True)
    if status == 408:
        return FetchError("the server timed out (HTTP 408)", transient=True)
    if status >= 500:
        return FetchError(f"server error (HTTP {status})", transient=True)
    if status >= 400:
        return FetchError(f"refused by the server (HTTP {status})")
    return FetchError(f"unexpected response (HTTP {status})")
