"""Real files to attach as evidence: a PDF that WeasyPrint writes, a PNG made by hand (a
1×1 image), and the bytes of an executable — made once per test run."""

from __future__ import annotations

import functools
import struct
import zlib


@functools.cache
def pdf_bytes(text: str = "Circulation e-mail of 3 May 2024 to the Ministers") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


@functools.cache
def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xc8\x10\x2e")  # one row: filter 0, a red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def elf_bytes() -> bytes:
    """The start of a Linux executable (what `file` calls an ELF 64-bit LSB executable)."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
