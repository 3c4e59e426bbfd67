# syntax=docker/dockerfile:1
#
# One image per service, from one Dockerfile: the build argument APP picks the service.
#
#   docker build --build-arg APP=account -t bankshop/account .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg APP=account \
#     -t <registry>/bankshop/account:<tag> --push .
#
# The `ops` target holds every service's migrations and the seed and traffic scripts; Docker
# Compose runs its migrate, seed and traffic jobs from it:
#
#   docker build --target ops -t bankshop/ops .
#
# Stages: manifests (package.json files and the lockfile only, so the dependency layers stay
# cached until one of them changes) -> build (compile every workspace once, on the build
# platform: the JavaScript is the same on every architecture) -> app-files (APP's dist and the
# libraries it uses) and prod-deps (APP's production dependencies, on the target platform) ->
# runtime (both, run as the unprivileged `node` user).

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /src ./
# Every workspace with its dev dependencies (TypeScript). Compiling needs no install scripts,
# and the optional packages are other platforms' native builds of dev tools.
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs libs
COPY apps apps
COPY scripts/tools/docker-stage.ts scripts/tools/
RUN node_modules/.bin/tsc -b apps/account apps/gateway apps/inventory apps/order apps/payment apps/risk apps/transaction

FROM build AS app-files
ARG APP
RUN node scripts/tools/docker-stage.ts files "${APP:?build with --build-arg APP=<service>}" /out

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /src ./
ARG APP
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace "apps/${APP:?build with --build-arg APP=<service>}" \
 && npm cache clean --force
COPY scripts/tools/docker-stage.ts scripts/tools/
# npm links every workspace into node_modules/@bankshop: keep only what APP uses.
RUN node scripts/tools/docker-stage.ts prune "${APP}" && rm -rf scripts

FROM build AS ops-files
RUN node scripts/tools/docker-stage.ts files all /out

FROM ${NODE_IMAGE} AS ops-deps
WORKDIR /app
COPY --from=manifests /src ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace apps/account --workspace apps/gateway --workspace apps/inventory --workspace apps/order \
      --workspace apps/payment --workspace apps/risk --workspace apps/transaction \
 && npm cache clean --force
COPY scripts/tools/docker-stage.ts scripts/tools/
RUN node scripts/tools/docker-stage.ts prune all && rm -rf scripts

FROM ${NODE_IMAGE} AS ops
ENV NODE_ENV=production
WORKDIR /app
COPY --from=ops-deps --chown=node:node /app ./
COPY --from=ops-files --chown=node:node /out ./
# Scripts run by Node directly (type stripping); they read the service list from source.
COPY --chown=node:node libs/contracts/src/services.ts libs/contracts/src/topics.ts libs/contracts/src/
COPY --chown=node:node scripts/seed.ts scripts/demo-traffic.ts scripts/
COPY --chown=node:node scripts/tools/migrate-all.ts scripts/tools/gateway-client.ts scripts/tools/
USER node
CMD ["node", "scripts/tools/migrate-all.ts"]

# The default target (last): one service.
FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app ./
COPY --from=app-files --chown=node:node /out ./
USER node
WORKDIR /app/apps/${APP}
# The same command as the service's `npm start`: telemetry is loaded before anything else.
CMD ["node", "--enable-source-maps", "--import", "@bankshop/telemetry/register", "dist/main.js"]
