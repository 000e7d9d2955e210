"""Runnable examples: the main job (``train.py``), the engine tour, the CNN, the GPT, the
hand-off to torch, and the lessons (``python -m examples.lessons``)."""
