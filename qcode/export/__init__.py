"""Exports: files supervisors and other tools open."""
