"""Limits and choices shared by the pages, the CLI and the library, defined once.

Light on purpose (no NumPy, no TensorFlow): the CLI's parser and the landing page read it.
"""

EXACT_MAX_SAMPLES = 20_000  # noise scale: above this, every per-example gradient takes too long
