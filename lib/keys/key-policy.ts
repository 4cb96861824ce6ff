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

/** The encryption context every wrapped private key is bound to (custody `kms-envelope`): its key name, the stage its value. */
export const ENVELOPE_CONTEXT_KEY = 'kong-lambda-auth-signing-key';

/**
 * @param admin the account's root principal (`arn:<partition>:iam::<account>:root`)
 * @param stage the stage's tag value
 * @param use `sign`: an asymmetric key KMS signs with (custody `kms`); `envelope`: a symmetric key that wraps one
 *   signing key's private half (custody `kms-envelope`): the rotation has KMS make the pair and gets only the
 *   wrapped private half, the signers may only unwrap it, and only under the stage's encryption context.
 */
export function signingKeyPolicy(admin: string, stage: string, use: 'sign' | 'envelope' = 'sign'): string {
  const tagged = (tag: string) => ({ StringEquals: { [`aws:PrincipalTag/${tag}`]: stage } });
  const bound = (tag: string) => ({ StringEquals: { ...tagged(tag).StringEquals, [`kms:EncryptionContext:${ENVELOPE_CONTEXT_KEY}`]: stage } });
  const statements =
    use === 'sign'
      ? [
          { Sid: 'StageSignersSign', Effect: 'Allow', Principal: { AWS: admin }, Action: 'kms:Sign', Resource: '*', Condition: tagged(SIGNER_ROLE_TAG) },
          {
            Sid: 'RotationReadsAndRetires',
            Effect: 'Allow',
            Principal: { AWS: admin },
            Action: ['kms:GetPublicKey', 'kms:ScheduleKeyDeletion'],
            Resource: '*',
            Condition: tagged(ROTATION_ROLE_TAG),
          },
        ]
      : [
          { Sid: 'StageSignersUnwrap', Effect: 'Allow', Principal: { AWS: admin }, Action: 'kms:Decrypt', Resource: '*', Condition: bound(SIGNER_ROLE_TAG) },
          {
            Sid: 'RotationWrapsOnly',
            Effect: 'Allow',
            Principal: { AWS: admin },
            // WithoutPlaintext: the rotation never sees a private key; only the signers do, in memory.
            Action: 'kms:GenerateDataKeyPairWithoutPlaintext',
            Resource: '*',
            Condition: bound(ROTATION_ROLE_TAG),
          },
          { Sid: 'RotationRetires', Effect: 'Allow', Principal: { AWS: admin }, Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: tagged(ROTATION_ROLE_TAG) },
        ];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'AccountAdministersButNeverSigns', Effect: 'Allow', Principal: { AWS: admin }, Action: ADMINISTRATION, Resource: '*' }, ...statements],
  });
}
