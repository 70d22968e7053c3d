"""Where floorwatch's time goes during a benchmark: py-spy, and a plain-text summary of it.

`python -m bench --profile DIR` starts floorwatch under `py-spy record` (raw collapsed stacks, only
samples where a thread was on CPU) for each benchmark run, and prints for each the functions that
cost the most, by self time and by inclusive time. py-spy's own sampling is charged to the process
tree, so a profiled run's figures are marked and should not go in the README.

(py-spy can spawn but not attach in some sandboxes, hence the wrapping rather than `--pid`.)
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from pathlib import Path

RATE_HZ = 100
# Where a stack passes through, by the first frame of each layer (stacks may pass several).
LAYERS = {
    "feeds (read, parse)": "floorwatch/feeds/",
    "metrics engine": "floorwatch/live/metrics.py",
    "board model": "floorwatch/live/board.py",
    "widgets": "floorwatch/tui/widgets/",
    "textual": "textual/",
    "pandas": "pandas/",
    "pyarrow": "pyarrow/",
}
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def py_spy() -> str | None:
    """The py-spy executable (the venv's first), or None when it is not installed."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def wrap(argv: list[str], output: Path) -> list[str]:
    """`argv` run under py-spy, writing collapsed stacks to `output`."""
    spy = py_spy()
    if spy is None:
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    return [
        spy, "record", "--format", "raw", "--rate", str(RATE_HZ), "--subprocesses",
        "--nonblocking", "--output", str(output), "--", *argv,
    ]  # fmt: skip


def _place(frame: str) -> str:
    """'function (path/to/file.py:12)' as 'file.py:function', shortened to the package path."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for anchor in ("site-packages/", "/floorwatch/", "lib/python3"):
        if anchor in path:
            path = path[path.index(anchor) :].removeprefix("site-packages/").lstrip("/")
            break
    return f"{path}:{match['function']}"


def summarise(raw: Path, top: int = 12) -> str:
    """The `top` functions by self and by inclusive share of the on-CPU samples in `raw`."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        # py-spy's "process N" root frame and runpy's frames are in every stack: not news.
        frames = [
            _place(frame)
            for frame in stack.split(";")
            if frame.strip() and not frame.startswith(("process ", "<frozen runpy>"))
        ]
        if not frames:
            continue
        total += samples
        own[frames[-1]] += samples
        for place in {f for f in frames if f.startswith("floorwatch/")}:
            inclusive[place] += samples
        for layer, prefix in LAYERS.items():
            if any(f.startswith(prefix) for f in frames):
                layers[layer] += samples
    if not total:
        return f"{raw.name}: no on-CPU samples"
    seconds = total / RATE_HZ
    lines = [f"{raw.name}: {total} on-CPU samples (~{seconds:.1f} CPU s)", "  self:"]
    lines += [f"    {n / total:6.1%}  {place}" for place, n in own.most_common(top)]
    lines.append("  inclusive, floorwatch's own functions:")
    lines += [f"    {n / total:6.1%}  {place}" for place, n in inclusive.most_common(top)]
    shares = ", ".join(f"{layer} {layers[layer] / total:.0%}" for layer in LAYERS)
    lines.append(f"  stacks through: {shares}")
    return "\n".join(lines)
