"""Batch arithmetic: which sample lands in which batch, and the same setup as library code.

No TensorFlow here: the landing page imports only this package.
"""
