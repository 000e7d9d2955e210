"""Tests of `nn.optim`."""
