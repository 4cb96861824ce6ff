/**
 * The key policy every signing key is made with, instead of KMS's default
 * (which hands the whole account kms:* and so lets any IAM policy grant
 * signing). The account administers the key but cannot sign with it; only
 * roles tagged as this stage's signers may sign, and only the rotation's
 * role may retire it. The functions' roles get those tags, and the matching
 * IAM statements, from scripts/serverless/least-privilege.js.
 */
export const SIGNER_ROLE_TAG = 'kong-lambda-auth-signer';
export const ROTATION_ROLE_TAG = 'kong-lambda-auth-rotation';

/** What the account (its administrators, through IAM) may do: everything but use the key. */
const ADMINISTRATION = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetPublicKey',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** @param admin the account's root principal (`arn:<partition>:iam::<account>:root`) @param stage the stage's tag value */
export function signingKeyPolicy(admin: string, stage: string): string {
  const tagged = (tag: string) => ({ StringEquals: { [`aws:PrincipalTag/${tag}`]: stage } });
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AccountAdministersButNeverSigns', Effect: 'Allow', Principal: { AWS: admin }, Action: ADMINISTRATION, Resource: '*' },
      { Sid: 'StageSignersSign', Effect: 'Allow', Principal: { AWS: admin }, Action: 'kms:Sign', Resource: '*', Condition: tagged(SIGNER_ROLE_TAG) },
      {
        Sid: 'RotationReadsAndRetires',
        Effect: 'Allow',
        Principal: { AWS: admin },
        Action: ['kms:GetPublicKey', 'kms:ScheduleKeyDeletion'],
        Resource: '*',
        Condition: tagged(ROTATION_ROLE_TAG),
      },
    ],
  });
}
