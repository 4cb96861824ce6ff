'use strict';
/**
 * What a function may do, by name: each function in serverless.yml lists the
 * grants it needs under `access`, and scripts/serverless/least-privilege.js
 * turns them into that function's own IAM role (AWS) and into the policy the
 * local IAM stand-in enforces (lib/platform/iam-stand-in.ts), so one list
 * decides both and the end-to-end suite proves it is enough.
 *
 * A grant is a list of statements over the service's tables (by their
 * CloudFormation names) or KMS. `keyring` restricts a statement to the
 * signing keyring's item of the tokens table (dynamodb:LeadingKeys), which
 * decides which keys are trusted: only key rotation may write it. `ses`: the
 * stage's SES identity (serverless.yml custom.mailIdentity) and configuration
 * set. The local IAM stand-in models DynamoDB only: locally mail goes by SMTP
 * to maildev, so `mail:send` is checked in the packaged template
 * (test/deploy), not by the stand-in.
 */

/** The keyring's partition key in the tokens table (lib/keys/dynamodb-store.ts). */
const KEYRING_ID = 'keyring';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];

/** @type {Record<string, Array<{effect?: 'Allow'|'Deny', actions: string[], table?: string, index?: string, keyring?: boolean, kms?: 'resource-tag'|'request-tag', ses?: boolean}>>} */
const GRANTS = {
  // BatchGetItem: an account is read with the request's other reads in one call (lib/platform/dynamodb.ts consistentGet).
  'users:read': [{ actions: READ, table: 'UsersTable' }],
  'users:write': [{ actions: [...READ, ...WRITE], table: 'UsersTable' }],
  // Operators' search (lib/accounts/dynamodb-store.ts says why a Scan).
  'users:search': [{ actions: ['dynamodb:Scan'], table: 'UsersTable' }],
  'attempts:write': [{ actions: [...READ, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], table: 'AttemptsTable' }],
  // The OAuth client registry (lib/oauth-clients/dynamodb-store.ts): its items in the tokens table, never the keyring.
  'clients:write': [
    { actions: [...READ, ...WRITE], table: 'TokensTable' },
    { effect: 'Deny', actions: WRITE, table: 'TokensTable', keyring: true },
  ],
  // Listing clients is a Scan (operators alone list, and rarely: the admin API's GET /api/admin/clients).
  'clients:list': [{ actions: ['dynamodb:Scan'], table: 'TokensTable' }],
  'profiles:read': [{ actions: ['dynamodb:GetItem'], table: 'ProfilesTable' }],
  'profiles:write': [{ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], table: 'ProfilesTable' }],
  // Sessions, browser sessions and revocations; their list is one Query of the owner index.
  'tokens:read': [
    { actions: READ, table: 'TokensTable' },
    { actions: ['dynamodb:Query'], table: 'TokensTable', index: 'sessions-by-owner' },
  ],
  'tokens:write': [
    { actions: [...READ, ...WRITE], table: 'TokensTable' },
    { actions: ['dynamodb:Query'], table: 'TokensTable', index: 'sessions-by-owner' },
    // The keyring shares the table: writing sessions never means writing which keys are trusted.
    { effect: 'Deny', actions: WRITE, table: 'TokensTable', keyring: true },
  ],
  // Account erasure: the user's sessions and refresh tokens are found by a Scan (no index holds them by owner).
  'tokens:erase': [
    { actions: ['dynamodb:Scan', 'dynamodb:DeleteItem'], table: 'TokensTable' },
    { effect: 'Deny', actions: WRITE, table: 'TokensTable', keyring: true },
  ],
  // Account erasure and export reach the profile service's table: read and delete, never write a profile.
  'profiles:erase': [{ actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem'], table: 'ProfilesTable' }],
  'keyring:read': [{ actions: ['dynamodb:GetItem'], table: 'TokensTable', keyring: true }],
  'keyring:write': [{ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], table: 'TokensTable', keyring: true }],
  // This stage's KMS keys only (they carry its tag): signing (custody kms), unwrapping a signing key once
  // per container (custody kms-envelope), or making and retiring them. Signers hold both, so that a stage
  // can switch custody while keys of the other kind still sign; each key's own policy
  // (lib/keys/key-policy.ts) allows only the one use its kind has.
  'kms:sign': [{ actions: ['kms:Sign'], kms: 'resource-tag' }],
  'kms:decrypt': [{ actions: ['kms:Decrypt'], kms: 'resource-tag' }],
  // Mail through Amazon SES (lib/mail): as the stage's one identity (and its configuration set) only.
  'mail:send': [{ actions: ['ses:SendEmail'], ses: true }],
  // Second factors' secrets (lib/second-factors/kms-secret-box.ts): envelope encryption under this stage's key.
  'kms:seal': [{ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], kms: 'resource-tag' }],
  'kms:manage': [
    { actions: ['kms:CreateKey', 'kms:TagResource'], kms: 'request-tag' },
    { actions: ['kms:GetPublicKey', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:ScheduleKeyDeletion'], kms: 'resource-tag' },
  ],
};

module.exports = { GRANTS, KEYRING_ID };
