"""R model formulas in Python: parsing and deparsing, terms, model frames and matrices."""
