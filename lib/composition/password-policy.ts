// The new-password rules: bundles the zxcvbn dictionaries. Only the flows that set a password import it.
import { PasswordPolicy } from '../accounts/password-policy';
import { zxcvbnEstimator } from '../accounts/password-strength';
import { config } from '../platform/config';

export const passwordPolicy = new PasswordPolicy(config.passwordMinLength, zxcvbnEstimator);
