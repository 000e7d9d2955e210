"""The test suite. Its folders mirror the packages (tests/autograd/ops, tests/nn/optim,
tests/viz...); each is a package, so files of the same name in two folders do not collide and
shared helpers import by their full name (``from tests.torch_compare import ...``) from every
level."""
