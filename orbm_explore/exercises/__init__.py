"""Self-checks for the notebooks' exercises, one module per notebook (``nb00`` … ``nb06``).

Every checker takes the student's function, calls it on inputs of its own
choosing, prints ``Correct: …``, ``Not yet: …`` (a hint, never the answer) or
``Not attempted yet …`` and returns ``True`` only for a right answer. A wrong
answer never raises, so a notebook with unfinished exercises still runs top
to bottom; errors raised *inside* the student's function propagate.
"""
