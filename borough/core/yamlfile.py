"""YAML files read with libyaml's C parser where PyYAML has it (about ten times faster than
the pure-Python parser, with the same safe subset): the catalogue, its translations and the
assistant's data files are read at every start and, in the tests, many times a run."""

from __future__ import annotations

from typing import IO, Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yaml.safe_load``, faster: only plain data (no Python objects) is ever built."""
    return yaml.load(stream, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader, C or Python)
