"""Training: datasets, models and the engine that runs a real Keras model step by step."""
