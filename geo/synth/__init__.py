"""The demo city: a deterministic, plausible city inside a real district outline (see demo.py)."""

from geo.synth.demo import (
    DEMO_PASSWORD,
    DISTRICTS,
    DemoSummary,
    clear_demo,
    counts,
    outline_path,
    seed_demo,
)

__all__ = ["DEMO_PASSWORD", "DISTRICTS", "DemoSummary", "clear_demo", "counts", "outline_path", "seed_demo"]
