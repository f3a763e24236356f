"""Figures the stats job reads (a module next to the script, bundled with it)."""

SAMPLE = [3, 5, 7]
