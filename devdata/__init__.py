"""Demo and synthetic patients for development, the browser tests and the benchmarks.

Not part of the running app: nothing under tracker/ imports this package except the seed_demo
and seed_synthetic commands (tests/unit/test_devdata_boundary.py checks it)."""
