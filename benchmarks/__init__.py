"""Benchmarks: our engine side by side with micrograd, PyTorch and hand-written baselines.

One module per workload (``scalar_mlp``, ``deep_chain``, ``small_ops``, ``tensor_mlp``,
``peak_memory``, ``gpt_step``, ``conv_step``, ``gpt_floor``, ``gpt_memory``); ``run`` times
them (``python -m benchmarks [--quick] [--only NAME]``), ``harness`` is the worker that runs
one implementation in its own process, and ``machine`` records what the figures were
measured on. Benchmarks are not tests: nothing here asserts on time; each implementation
only has to compute the baseline's loss and gradients.
"""

WORKLOADS = ("scalar_mlp", "deep_chain", "small_ops", "tensor_mlp", "peak_memory", "gpt_step",
             "conv_step", "gpt_floor", "gpt_memory")
