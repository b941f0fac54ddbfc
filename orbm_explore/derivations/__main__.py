"""``python -m orbm_explore.derivations``: the same table as ``python -m orbm_explore derivations``."""

import sys

from .report import main

sys.exit(main(sys.argv[1:], prog="python -m orbm_explore.derivations"))
