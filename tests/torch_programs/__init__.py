"""Public PyTorch programs, each run twice: as written (with torch) and with only its import
lines changed to ``nn.torchlike`` (this project's torch layout), on the same data, weights
and random draws; what the two print is compared.

The programs (``tests/torch_programs/<name>.py``) are plain scripts with real ``import
torch`` lines, written from memory of well-known tutorials and examples, with small
synthetic data in place of the downloads. ``harness`` rewrites the imports, runs both
versions in fresh processes through ``_runner`` and compares their output;
``tests/test_torch_programs.py`` is the test per program and ``python -m
tests.torch_programs.table`` prints the table of what runs.
"""
