// The health check; the service's own, against DynamoDB and the Kong Admin API, is built in lib/composition/health.ts.
export * from './health';
