// Unit tests log nothing unless a test asks for it (test/unit/platform/http.test.ts does).
process.env.LOG_LEVEL ??= 'silent';
