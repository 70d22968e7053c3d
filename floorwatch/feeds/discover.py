"""Which files a feed's glob matches: each file once, never through a loop, never out of bounds.

A file is known by its identity (device, inode): a symlink or a hard link to a feed file, or a
`**` glob that reaches a folder twice through a directory link, finds one file, not two. The
walk remembers the folders it has entered, so a link loop ends at once (Python's glob follows
loops up to the kernel's limit, exponentially with two of them). A link that leads out of the
config's feed folders is not followed unless the feed says `follow_symlinks: true`: a link to
`/etc/shadow` dropped on a share is not a feed. Compressed archives (`calls.csv.gz`, left by
logrotate beside the live file) are skipped, not rejected row by row.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable
from fnmatch import fnmatchcase

Identity = tuple[int, int]  # (st_dev, st_ino)

COMPRESSED = (".gz", ".tgz", ".bz2", ".xz", ".lzma", ".zst", ".lz4", ".z", ".zip", ".7z", ".rar")


def identity_of(info: os.stat_result) -> Identity:
    return (info.st_dev, info.st_ino)


def watch_root(pattern: str) -> tuple[str, bool]:
    """The deepest existing directory above a glob's first wildcard, and whether the glob
    reaches below it (then a watch on it is recursive)."""
    parts = os.path.normpath(pattern).split(os.sep)
    fixed: list[str] = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        fixed.append(part)
    recursive = len(fixed) < len(parts) - 1
    root = os.sep.join(fixed) or os.sep
    while not os.path.isdir(root):
        parent = os.path.dirname(root)
        if parent == root:
            break
        root, recursive = parent, True
    return root, recursive


def searches_from_root(pattern: str) -> bool:
    """A glob whose first wildcard is in a top-level folder name, or a `**` right under `/`
    (`/**/*.csv`, `/*/calls.csv`): it would walk the whole disk on every poll."""
    parts = os.path.normpath(pattern).split(os.sep)
    return os.path.isabs(pattern) and len(parts) > 2 and glob.has_magic(parts[1])


def is_compressed(path: str) -> bool:
    return path.lower().endswith(COMPRESSED)


def feed_files(
    pattern: str, folders: Iterable[str] = (), *, follow_symlinks: bool = False
) -> dict[str, Identity]:
    """The regular files `pattern` matches now, by path (sorted), each identity once. A symlink
    whose target is outside the feed folders (the roots of the globs `folders` and of `pattern`)
    is skipped unless `follow_symlinks`."""
    root, _ = watch_root(pattern)
    relative = os.path.relpath(os.path.normpath(pattern), root)
    segments = [] if relative == os.curdir else relative.split(os.sep)
    real = [os.path.realpath(root), *(os.path.realpath(watch_root(f)[0]) for f in folders)]
    walk = _Walk(tuple(dict.fromkeys(real)), follow_symlinks)
    walk.enter(root, segments)
    chosen: dict[Identity, tuple[bool, str]] = {}
    for path, identity, linked in walk.found:
        # A plain path beats a link to the same file; then the first by name.
        if identity not in chosen or (linked, path) < chosen[identity]:
            chosen[identity] = (linked, path)
    return {path: identity for identity, (_, path) in sorted(chosen.items(), key=_by_path)}


def _by_path(item: tuple[Identity, tuple[bool, str]]) -> str:
    return item[1][1]


class _Walk:
    def __init__(self, folders: tuple[str, ...], follow: bool) -> None:
        self.folders = folders
        self.follow = follow
        self.found: list[tuple[str, Identity, bool]] = []
        self.entered: set[tuple[Identity, int]] = set()  # (folder, segment index) walked

    def enter(self, folder: str, segments: list[str], via_link: bool = False) -> None:
        try:
            info = os.stat(folder)
        except OSError:
            return
        key = (identity_of(info), len(segments))
        if key in self.entered or not stat.S_ISDIR(info.st_mode):
            return  # a loop, or a folder reached twice: its files are already found
        self.entered.add(key)
        if not segments:
            return
        segment, rest = segments[0], segments[1:]
        if segment == "**":
            self.enter(folder, rest, via_link)  # zero folders
            for name, linked in self._names(folder, "*"):
                self._step(os.path.join(folder, name), segments, via_link or linked, folder=True)
            return
        if not glob.has_magic(segment):
            path = os.path.join(folder, segment)
            self._step(path, rest, via_link or os.path.islink(path), folder=bool(rest))
            return
        for name, linked in self._names(folder, segment):
            self._step(os.path.join(folder, name), rest, via_link or linked, folder=bool(rest))

    def _names(self, folder: str, segment: str) -> list[tuple[str, bool]]:
        names = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    hidden = entry.name.startswith(".") and not segment.startswith(".")
                    if not hidden and fnmatchcase(entry.name, segment):
                        names.append((entry.name, entry.is_symlink()))
        except OSError:  # unreadable, or gone
            return []
        return sorted(names)

    def _step(self, path: str, rest: list[str], linked: bool, *, folder: bool) -> None:
        if linked and not self.follow and not self._inside(path):
            return  # a link that leaves the feed folders
        if folder:
            self.enter(path, rest, linked)
            return
        if is_compressed(path):
            return
        try:
            info = os.stat(path)
        except OSError:  # gone between the listing and the stat, or a dangling link
            return
        if stat.S_ISREG(info.st_mode):
            self.found.append((os.path.normpath(path), identity_of(info), linked))

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return any(real == f or real.startswith(f.rstrip(os.sep) + os.sep) for f in self.folders)
