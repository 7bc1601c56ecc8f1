#!/bin/sh
# Restore Borough from a backup: scripts/restore.sh BACKUP_FOLDER/borough-<time> [--yes].
# Start it with the keys from the backup's keys file (DJANGO_SECRET_KEY,
# BOROUGH_FIELD_ENCRYPTION_KEYS, BOROUGH_API_KEY_HASH_KEYS). docs/how-to/deploy.md.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}"
"$PYTHON" manage.py restore "$@"
"$PYTHON" manage.py migrate --no-input
