"""Print a PostgreSQL DATABASE_URL for the test suite if a server is reachable; exit 1 if not.

Uses $DATABASE_URL when it names PostgreSQL, else the local server at 127.0.0.1:5432 (the
`postgres` user with trust authentication, as on the team's machines and in CI).
"""

import os
import sys

import psycopg

url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
    url = "postgres://postgres@127.0.0.1:5432/borough"
admin_url = url.rsplit("/", 1)[0] + "/postgres"
try:
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
        pass
except psycopg.Error:
    sys.exit(1)
print(url)
