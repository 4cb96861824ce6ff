import { attemptStoreContract } from '../../support/attempt-store-contract';
import { MemoryAttemptStore } from '../support/memory-stores';

// The twin the flow tests use answers as the attempts table does (test/integration/attempts.test.ts).
attemptStoreContract((limits) => new MemoryAttemptStore(limits));
