/**
 * Prints a new EC P-256 private key (PEM) for signing identity tokens: what
 * the docker-compose API signs with when IDENTITY_SIGNING_KEY is not given
 * (a new one per start; `npm start` keeps its own under .data/).
 */
import { randomIdentityKey } from './stack/identity-key';

process.stdout.write(randomIdentityKey());
