// Second factors managed by their owner (the /api/jwt/mfa routes, the security page), and the step-up check.
import { secondFactorChanges } from '../flows/second-factors';
import { config } from '../platform/config';
import { protection } from './protection';
import { secondFactors } from './second-factors';

export const secondFactorChange = secondFactorChanges({ secondFactors, protection, stepUpSeconds: config.secondFactors.stepUpSeconds });
