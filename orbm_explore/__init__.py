"""orbm_explore: the two-cause RBM ("oRBM") and its explaining-away corrections."""

__version__ = "0.1.0"
