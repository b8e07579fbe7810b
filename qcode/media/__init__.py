"""Recordings: reading their facts, playing a stretch of one, cutting a clip."""
