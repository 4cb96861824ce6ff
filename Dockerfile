# The API under serverless-offline, for docker-compose.yml: local use only.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# serverless-esbuild bundles the handlers into .esbuild/ at start.
RUN mkdir .esbuild && chown node:node .esbuild
USER node
ENV SLS_TELEMETRY_DISABLED=1
EXPOSE 4000
CMD ["sh", "-c", "node_modules/.bin/tsx scripts/create-tables.ts && IDENTITY_SIGNING_KEY=\"${IDENTITY_SIGNING_KEY:-$(node_modules/.bin/tsx scripts/identity-key.ts)}\" && export IDENTITY_SIGNING_KEY && exec node_modules/.bin/serverless offline start --stage local"]
