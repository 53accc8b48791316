"""Benchmarks of the tracker at the scale of the largest council and beyond (see README)."""
