/** JSON-over-HTTP helpers for tests that go through the gateway or straight to the API: the stack toolkit's. */
export { bearer, request, type JsonResponse } from '../../scripts/stack';
