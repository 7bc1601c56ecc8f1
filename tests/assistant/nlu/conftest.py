"""The understanding is loaded once for the whole session (model weights, classifier)."""

from __future__ import annotations

import numpy as np
import pytest

from borough.assistant import nlu


@pytest.fixture(scope="session")
def brain():
    return nlu.load()


@pytest.fixture(scope="session")
def embed(brain):
    """Vectors of held-out phrases, computed once in a batch for every test that needs them."""
    from borough.assistant.nlu import content

    held = content.heldout()
    texts = [t for group in held["intents"].values() for t in group]
    texts += held["out_of_scope"] + held["safeguarding"] + held["ordinary"]
    known = dict(zip(texts, brain.encoder.encode(texts), strict=True))

    def vectors(phrases):
        missing = [p for p in phrases if p not in known]
        if missing:
            known.update(zip(missing, brain.encoder.encode(missing), strict=True))
        return np.stack([known[p] for p in phrases])

    return vectors
