#!/bin/sh
# The image's one entry point: `web` (gunicorn), `worker` (a Huey consumer), `migrate` (the
# one-off job before a release: migrations and the service catalogue), `backup`/`restore`
# (scripts/backup.sh, scripts/restore.sh), or any manage.py command.
set -eu
cd /app
command="${1:-web}"
[ $# -gt 0 ] && shift
case "$command" in
  web)
    exec gunicorn config.wsgi:application \
      --bind "0.0.0.0:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-3}" --threads "${BOROUGH_WEB_THREADS:-4}" \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
      --max-requests 2000 --max-requests-jitter 200 \
      --timeout 60 --graceful-timeout 30 --error-logfile - --no-control-socket "$@" ;;
  worker)
    exec python manage.py run_huey --quiet "$@" ;;
  migrate)
    python manage.py check --deploy --fail-level ERROR
    python manage.py migrate --no-input
    exec python manage.py load_catalogue ;;
  backup)
    exec scripts/backup.sh "$@" ;;
  restore)
    exec scripts/restore.sh "$@" ;;
  *)
    exec python manage.py "$command" "$@" ;;
esac
