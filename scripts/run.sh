#!/usr/bin/env bash
# Start Borough's web app (gunicorn) and its task consumer (Huey) together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
BIN=.venv/bin

"$BIN/python" manage.py run_huey --quiet &
huey_pid=$!
trap 'kill $huey_pid 2>/dev/null || true' EXIT INT TERM

cat <<INFO

  Borough is running (embedded mode: SQLite, Huey on SQLite, emails kept in the hub's Outbox, /hub/outbox/).

  Resident portal   http://127.0.0.1:${PORT}/
  Resident Hub      http://127.0.0.1:${PORT}/hub/
  Administration    http://127.0.0.1:${PORT}/admin/
  Health            http://127.0.0.1:${PORT}/healthz   http://127.0.0.1:${PORT}/readyz

  Staff sign-ins (password: borough-demo-2026)
    agent@council.example            customer experience agent (sees every team's cases)
    waste.officer@council.example    waste officer (sees waste cases)
    admin@council.example            administrator (also /admin/, /hub/branding/, /hub/processes/)
    inclusion.officer@council.example  digital inclusion officer (devices, waiting list, sessions)
  Then a code from the demo authenticator app:
    .venv/bin/python manage.py demo_totp_code agent@council.example

  Resident MyAccount sign-in (password: borough-demo-2026)
    resident@example.com             the demo resident with the most requests (a laptop offered
                                     on loan; owns Acacia Avenue Cafe's organisation account)
    librarian@library.example        a partner library's member: nominates residents for devices
    cllr.patel@council.example       a councillor: raises and follows enquiries for residents

  Press Ctrl-C to stop.

INFO

exec "$BIN/gunicorn" config.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 \
  --threads 4 \
  --error-logfile -
