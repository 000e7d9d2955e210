"""Drawings of the compute graph (see the viz issue)."""
