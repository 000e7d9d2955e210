"""Tests of `autograd`."""
