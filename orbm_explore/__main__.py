"""``python -m orbm_explore``: the command-line interface (see :mod:`orbm_explore.cli`)."""

import sys

from .cli import main

sys.exit(main(prog="python -m orbm_explore"))
