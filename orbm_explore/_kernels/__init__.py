"""Compiled speed machinery. Users go through :mod:`orbm_explore.corrections` and
:mod:`orbm_explore.sampling`, which check their inputs first; the plain formulas there are the reference."""
