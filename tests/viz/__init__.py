"""Tests of `viz`."""
