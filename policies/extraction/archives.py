"""Expand the paths given to ``import_policies`` into (name, bytes) files, safely.

Zip archives are read in memory with limits (members, total uncompressed size, compression
ratio); an archive inside an archive is reported, not opened, so nesting cannot explode.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

IMPORTABLE_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
MAX_MEMBERS = 2000
MAX_TOTAL_UNCOMPRESSED = 500 * 1024 * 1024
MAX_RATIO = 100


@dataclass(frozen=True)
class SourceFile:
    name: str
    data: bytes | None
    error: str = ""


def expand_paths(paths: list[Path], *, max_bytes: int) -> Iterator[SourceFile]:
    """Files as given; folders walked recursively (importable suffixes only); zips opened."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                suffix = child.suffix.lower()
                if suffix in IMPORTABLE_SUFFIXES or suffix == ".zip":
                    yield from expand_paths([child], max_bytes=max_bytes)
        elif not path.exists():
            yield SourceFile(str(path), None, f"{path}: no such file or folder.")
        elif path.suffix.lower() == ".zip":
            yield from _zip_members(path, max_bytes=max_bytes)
        elif path.stat().st_size > max_bytes:
            yield SourceFile(str(path), None, _too_large(str(path), max_bytes))
        else:
            try:
                yield SourceFile(str(path), path.read_bytes())
            except OSError as exc:
                yield SourceFile(str(path), None, f"{path}: cannot be read ({exc.strerror}).")


def _too_large(name: str, max_bytes: int) -> str:
    return f"{name}: larger than the {max_bytes // (1024 * 1024)} MB limit."


def _zip_members(path: Path, *, max_bytes: int) -> Iterator[SourceFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    except (zipfile.BadZipFile, OSError) as exc:
        yield SourceFile(str(path), None, f"{path}: not a readable zip archive ({exc}).")
        return
    members = [m for m in archive.infolist() if not m.is_dir()]
    total = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or total > MAX_TOTAL_UNCOMPRESSED:
        yield SourceFile(
            str(path), None,
            f"{path}: the archive is too big to import ({len(members)} files, "
            f"{total // (1024 * 1024)} MB uncompressed).",
        )
        return
    for member in members:
        name = f"{path}/{member.filename}"
        suffix = Path(member.filename).suffix.lower()
        if Path(member.filename).name.startswith(".") or "__MACOSX" in member.filename:
            continue
        if suffix == ".zip":
            yield SourceFile(name, None, f"{name}: archives inside archives are not imported.")
        elif suffix not in IMPORTABLE_SUFFIXES:
            continue
        elif member.file_size > max_bytes:
            yield SourceFile(name, None, _too_large(name, max_bytes))
        elif member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            yield SourceFile(name, None, f"{name}: suspiciously high compression; not opened.")
        else:
            try:
                yield SourceFile(name, archive.read(member))
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                yield SourceFile(name, None, f"{name}: cannot be extracted ({exc}).")
