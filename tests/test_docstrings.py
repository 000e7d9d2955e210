"""The examples in the main docstrings run and print what they show (doctest)."""

import doctest

import pytest

import autograd
import nn
import viz

MAIN = [autograd.Value, autograd.Tensor, autograd.Tensor.backward, autograd.grad,
        autograd.value_and_grad, viz.draw_dot, nn]


@pytest.mark.parametrize("obj", MAIN, ids=lambda o: getattr(o, "__qualname__", o.__name__))
def test_docstring_example(obj):
    finder = doctest.DocTestFinder(recurse=False)
    (test,) = finder.find(obj, getattr(obj, "__qualname__", obj.__name__), globs={})
    assert test.examples, f"{test.name}: the main docstrings each show an example"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{test.name}: its example does not print what it shows"
