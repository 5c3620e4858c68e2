"""Lossless reader and writer for R's serialization format (``.rds``, ``serialize()``, ``save()``)."""
