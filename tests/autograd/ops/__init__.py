"""Tests of `autograd.ops`."""
