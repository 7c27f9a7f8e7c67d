"""Batch Lab's library: schedule math, datasets, models, training engine, run store, charts, CLI.

Never imports streamlit. TensorFlow/Keras is imported only by the modules that train.
"""
