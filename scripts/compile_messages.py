"""Compile the .po translation files into .mo files without GNU gettext (pure Python, polib).

Run after editing a translation: `python scripts/compile_messages.py`. The .mo files are
committed, so a fresh machine needs no gettext tools; tests/portal/test_translations.py checks
that each .mo says what its .po says.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "borough" / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"Compiled {path.relative_to(LOCALE_DIR.parent.parent)}")
    sys.exit(0)
