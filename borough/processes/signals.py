"""What processes ask of apps below them in the house plan (tests/test_architecture.py), which
they may not import: those apps listen.

``evidence_hold``: a process needs a case's records kept from retention while enforcement is
possible (``hold=True``), or no longer (``hold=False``). ``governance`` answers it with a legal
hold placed or released (``governance.receivers``); each receiver returns the hold's id.
"""

from __future__ import annotations

from django.dispatch import Signal

evidence_hold = Signal()  # sender: the process's key; kwargs: case, hold (bool), reason
