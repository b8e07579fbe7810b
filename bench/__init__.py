"""Benchmark scripts: figures printed side by side with a floor measured in the same run."""
