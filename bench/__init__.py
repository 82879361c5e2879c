"""Benchmarks: `make bench` (python -m bench) runs them all and records the results."""
