"""orbm_explore: the two-cause RBM ("oRBM") and its explaining-away corrections."""

from importlib.metadata import PackageNotFoundError, version

try:  # the one version source is pyproject.toml
    __version__ = version("orbm-explore")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
