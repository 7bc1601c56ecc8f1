#!/bin/sh
# Back up Borough: scripts/backup.sh BACKUP_FOLDER KEYS_FOLDER (run it from cron, a Kubernetes
# CronJob or `docker compose run --rm web backup /backups /keys`). Keeps the newest
# BOROUGH_BACKUP_KEEP backups (default 14) in BACKUP_FOLDER. docs/how-to/deploy.md.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}"
destination="${1:?usage: scripts/backup.sh BACKUP_FOLDER KEYS_FOLDER}"
keys="${2:?usage: scripts/backup.sh BACKUP_FOLDER KEYS_FOLDER}"
"$PYTHON" manage.py backup "$destination" --keys "$keys"
keep="${BOROUGH_BACKUP_KEEP:-14}"
ls -1d "$destination"/borough-* 2>/dev/null | sort -r | tail -n "+$((keep + 1))" | while read -r old; do
  rm -rf -- "$old"
done
