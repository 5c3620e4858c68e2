"""Sequential layer blocks as a user writes them from the docs, shared by the Python -> R
trials (their spec arguments: ``<block>_units``, ``<block>_activation``, ``<block>_rate``)."""
from __future__ import annotations


def input_block(model, input_shape):
    import keras

    return keras.Sequential([keras.Input(shape=input_shape)])


def dense_block(model, units=16, activation="relu"):
    import keras

    model.add(keras.layers.Dense(units, activation=activation))
    return model


def dropout_block(model, rate=0.1):
    import keras

    model.add(keras.layers.Dropout(rate))
    return model
