# syntax=docker/dockerfile:1
# scaleplan API image: build with dev dependencies, ship only dist/ and production node_modules, run as `node`.
# The same major line as package.json's devDependency `node` (the runtime npm scripts and the tests use).
ARG NODE_IMAGE=node:26-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# The client workspace's manifest, which npm ci needs to match the lockfile (its sources are not part of the image).
COPY packages/client/package.json ./packages/client/package.json
# npm ci runs the `prepare` script, which builds dist/; the sources must be in place first.
RUN npm ci && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded SQLite database (when no DATABASE_URL is set) lives in DATA_DIR, which the non-root user must own;
# mount a volume there to keep it across containers.
RUN mkdir /app/data && chown node:node /app/data
ENV DATA_DIR=/app/data
USER node
EXPOSE 8080
# Slim images have no curl; Node 26 has fetch.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# node, not npm, so SIGTERM reaches the server and its graceful shutdown.
CMD ["node", "dist/server.js"]
