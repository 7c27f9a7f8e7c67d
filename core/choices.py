"""Limits and choices shared by the pages, the CLI and the library, defined once.

Light on purpose (no NumPy, no TensorFlow): the CLI's parser and the landing page read it.
"""

EXACT_MAX_SAMPLES = 20_000  # noise scale: above this, every per-example gradient takes too long

EXECUTORS = ("local", "ray")  # where a sweep's runs train


def ray_available() -> bool:
    """Whether Ray is installed (the Compare page offers the Ray executor only then)."""
    import importlib.util

    return importlib.util.find_spec("ray") is not None
