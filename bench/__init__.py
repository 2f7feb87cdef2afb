"""Benchmarks: each a ratio against a baseline run side by side (bench/run.py)."""
