"""hardhat in Python: blueprints (mold/forge) and the shrink/scream casting rules."""
