// The service's password rules: imported only by the flows that set a
// password, so that no other function's bundle carries the dictionaries.
import { config } from '../platform/config';
import { PasswordPolicy } from './password-policy';
import { zxcvbnEstimator } from './password-strength';

export const passwordPolicy = new PasswordPolicy(config.passwordMinLength, zxcvbnEstimator);
