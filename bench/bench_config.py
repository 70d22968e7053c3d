"""How long and how much memory does validating a 200,000-entry thresholds override file take?

Each run is a fresh process that loads one generated config (`thresholds.agents` with one
override per agent) and reports its wall time and peak RSS. `now` is `load_config` as it is;
`before` is the same loader as main read it before issue 18.8: libyaml's own composer (a full
`yaml.compose` node, two marks each), the cycle collector left running, nothing remembered
between scalars.

    .venv/bin/python bench/bench_config.py            # 200,000 entries, 3 runs each
    .venv/bin/python bench/bench_config.py --quick    # 20,000 entries, 1 run each

Target (issue 18.8): seconds, not 34 s and 1 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child(path: str, variant: str) -> None:
    """Load the config once and print {"seconds", "rss_mb", "agents"} as JSON."""
    import contextlib

    from floorwatch.config import loader, metrics_section, yaml_nodes

    if variant == "before":
        import yaml

        loader.collector_paused = contextlib.nullcontext  # type: ignore[assignment]
        yaml_nodes.SAFE_LOADER = yaml_nodes._BASE_LOADER
        yaml_nodes.compose_slim = lambda text, base: yaml.compose(text, Loader=base)
        metrics_section.LEVELS_KEPT = 0
    started = time.perf_counter()
    config = loader.load_config(path)
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    agents = len(config.agent_thresholds)
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "agents": agents}))


def measure(path: Path, variant: str) -> dict[str, float]:
    here = Path(__file__).resolve()
    output = subprocess.run(
        [sys.executable, str(here), "--child", str(path), variant],
        check=True, capture_output=True, text=True, cwd=REPO,
    ).stdout  # fmt: skip
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="20,000 entries, one run each")
    parser.add_argument("--variants", default="before,now")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    entries, runs = (20_000, 1) if args.quick else (args.entries, args.runs)
    from tests.test_config_large import write_overrides

    with tempfile.TemporaryDirectory(prefix="bench-config-") as folder:
        path = write_overrides(Path(folder), entries)
        size_mb = path.stat().st_size / 2**20
        print(f"{entries:,} overrides ({size_mb:.1f} MB of YAML), median of {runs} run(s)")
        print("variant   seconds  (min-max)      peak RSS MB")
        for variant in args.variants.split(","):
            results = [measure(path, variant) for _ in range(runs)]
            assert all(r["agents"] == entries for r in results)
            seconds = [r["seconds"] for r in results]
            rss = statistics.median(r["rss_mb"] for r in results)
            print(
                f"{variant:<8} {statistics.median(seconds):8.2f}  "
                f"({min(seconds):.2f}-{max(seconds):.2f})  {rss:12.0f}"
            )


if __name__ == "__main__":
    main()
