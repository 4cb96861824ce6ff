// Accounts: the model, the store port and its DynamoDB adapter, password hashing and rules.
// The real objects are built in lib/composition (accounts.ts, password-accounts.ts, password-policy.ts).
export * from './account';
