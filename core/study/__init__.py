"""Studies built on training: batch-size sweeps and the science tools.

Noise scale, critical batch size, throughput, learning-rate scaling.
"""
