"""`make bench`: every benchmark against its peers in one run, then bench/RESULTS.md with the machine and date.

Run: `python -m bench.run [--quick]` (--quick: small sizes, to check the suite itself in a minute or two).
"""

import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import analytics, field, maps, party, scale  # noqa: E402
from bench.harness import RESULTS, console, markdown  # noqa: E402

OUT = Path(__file__).parent / "RESULTS.md"


def machine() -> str:
    """CPU model, cores, memory, OS and PostgreSQL, as the results' heading says them."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    postgres = subprocess.run(["bash", "-c", "ls /usr/lib/postgresql"], capture_output=True, text=True).stdout.split()
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; {platform.platform()}; Python {platform.python_version()}; "
            f"PostgreSQL {', '.join(postgres)} with PostGIS 3")


def main(quick: bool = typer.Option(False, "--quick", help="Small sizes: checks the suite, not the figures")) -> None:
    """Run the scale, analytics, map, party and field benchmarks and write bench/RESULTS.md."""
    t0 = time.perf_counter()
    stages = [("scale", lambda: scale.main(grids=5_000 if quick else 50_000, cases=50_000 if quick else 1_000_000,
                                           queries=300 if quick else 1_000, clients="1,16,64")),
              ("analytics", lambda: analytics.main(grids=5_000 if quick else 50_000, per_grid=20)),
              ("maps", lambda: maps.main(scale=["street" if quick else "district"], naive_runs=1)),
              ("party", lambda: party.main(grids=5_000 if quick else 50_000)),
              ("field", lambda: field.main(quick=quick, workers=600, hours=4.0, batch=40, clients=16, scale="district",
                                           runs=3, part="both"))]
    durations = {}
    for name, run in stages:
        started = time.perf_counter()
        console.rule(name)
        run()
        durations[name] = time.perf_counter() - started
    total = time.perf_counter() - t0
    lines = ["# Benchmark results", "",
             f"`make bench`{' --quick' if quick else ''} on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: {machine()}.",
             f"Whole run {total / 60:.1f} min ({', '.join(f'{k} {v / 60:.1f}' for k, v in durations.items())}). "
             "Medians and ratios; these machines are noisy. How each figure is made: bench/README.md.", ""]
    for table, note in RESULTS:
        lines += [markdown(table), ""] + ([note, ""] if note else [])
    OUT.write_text("\n".join(lines))
    console.print(f"wrote {OUT} in {total / 60:.1f} min")


if __name__ == "__main__":
    typer.run(main)
