"""The demo city."""

from geo.synth.old import DEMO_PASSWORD, DISTRICTS, load_demo, outline_path  # noqa: F401
