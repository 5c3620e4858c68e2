"""pykerasnip: hand fitted kerasnip models between R and Python."""
__version__ = "0.1.0"
