export * from './types';
export type { SecondFactorStore } from './store';
export type { SecretBox } from './secret-box';
export { SecondFactors, type PresentedCode, type SecondFactorSettings } from './second-factors';
export { codeAt, matchingStep, normalizeCode, otpauthUri, TOTP_PERIOD_SECONDS } from './totp';
export { hashRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
