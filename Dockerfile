# The API under serverless-offline, for docker-compose.yml: local use only.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# serverless-esbuild bundles the handlers into .esbuild/ at start.
RUN mkdir .esbuild && chown node:node .esbuild
# The signing keys' volume takes this folder's owner and mode when first mounted.
RUN mkdir -m 700 /home/node/signing-keys && chown node:node /home/node/signing-keys
USER node
ENV SLS_TELEMETRY_DISABLED=1
EXPOSE 4002
CMD ["sh", "-c", "node_modules/.bin/tsx scripts/create-tables.ts && exec node_modules/.bin/serverless offline start --stage local"]
