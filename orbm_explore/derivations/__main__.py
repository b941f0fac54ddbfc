"""``python -m orbm_explore.derivations``: the same table as ``python -m orbm_explore derivations``."""

import sys

from ..derivations_report import main

sys.exit(main(sys.argv[1:]))
