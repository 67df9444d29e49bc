"""Clients of the outside systems: SIASN (BKN), BSrE (BSSN) and the LMS (Moodle).

Each system sits behind one small module here, which knows its contract and nothing of
Angkatan's models: the apps call it and decide what to store. Every module has `health()`,
shown on the administrators' page, and raises `base.IntegrationError` with an Indonesian
message staff can act on. None of them is needed to run Angkatan: without its settings a
module says it is not configured and the pages that use it say so.
"""

from importlib import import_module

# In the order the administrators' page lists them.
CLIENT_MODULES = ("siasn", "bsre", "lms")


def health_checks():
    """One `base.Health` per outside system; a failing check is reported, never raised."""
    return [import_module(f"{__name__}.{name}").health() for name in CLIENT_MODULES]
