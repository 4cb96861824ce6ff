// Unit tests log nothing unless a test asks for it (test/unit/platform/http.test.ts does).
process.env.LOG_LEVEL ??= 'silent';
// Nor do they print metrics (test/unit/platform/security-events.test.ts turns them on for itself).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
