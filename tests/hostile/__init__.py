"""Hostile and broken input files, written by the tests at test time (see make.py)."""
