# Gateway (and simulator/load driver) image on Node 24 LTS. Multi-stage: compile TypeScript with dev
# dependencies, ship only production dependencies and dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# GATEWAY_NODE_OPTIONS of src/gateway/runtime-options.ts (a unit test keeps the two equal).
ENV NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY src/simulator/scenarios ./src/simulator/scenarios
USER node
EXPOSE 4318
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4318/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# GATEWAY_NODE_ARGS of the same file (Node refuses them in NODE_OPTIONS; the same test checks them).
CMD ["node", "--initial-old-space-size=128", "dist/gateway/main.js"]
