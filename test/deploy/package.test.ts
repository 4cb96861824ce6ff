/**
 * What `sls deploy` would create, read from the CloudFormation template that
 * `serverless package` writes: no public endpoint, a supported runtime,
 * least privilege, and what keeps the data safe.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';

const REPO = path.resolve(__dirname, '..', '..');
const PARAMS = {
  kongAdminUrl: 'http://10.0.1.5:8001',
  issuerUrl: 'https://auth.example.test',
  securityGroupIds: 'sg-1,sg-2',
  subnetIds: 'subnet-1,subnet-2',
  vpcId: 'vpc-1',
  routeTableIds: 'rtb-1',
  identityJwksUrl: 'https://auth.example.com/.well-known/jwks.json',
  browserAllowedOrigins: 'https://auth.example.com',
  passwordPepper: 'a deployment pepper of at least thirty-two characters',
  deviceTokenSecret: 'a deployment device-token secret of at least thirty-two characters',
  mailIdentity: 'auth.example.test',
  mailFrom: 'Example Auth <no-reply@auth.example.test>',
  sesConfigurationSet: 'auth-mail',
};
/** Every function Kong invokes; rotateKeys runs on a schedule instead. */
const KONG_FUNCTIONS = [
  'info', 'logout', 'logoutAll', 'password', 'refresh', 'revoke', 'signin', 'signup', 'sessions', 'endSession',
  'jwks', 'openidConfiguration', 'introspect', 'health', 'openapiDescription', 'apiReference',
  'sessionRegister', 'sessionLogin', 'sessionAuthenticate', 'sessionLogout', 'signinPage', 'registerPage', 'assets',
  'userprofileGet', 'userprofileCreate', 'userprofileUpdate', 'profilePage',
  'accountExport', 'accountDelete', 'sessionAccountExport', 'sessionAccountDelete', 'adminUsers', 'adminUser', 'adminDisable', 'adminEnable', 'adminSignOut', 'adminSessions', 'adminClients', 'adminClient',
  'passwordForgot', 'passwordReset', 'emailVerify', 'emailResend', 'emailChange', 'recoveryPages',
  'signinMfa', 'passkeySignin', 'securityPage', 'sessionLoginMfa', 'mfaTotp', 'mfaTotpConfirm', 'mfaRecoveryCodes',
  'passkeyRegister', 'passkeys', 'passkey',
  'oauthToken', 'oauthAuthorize', 'oauthUserinfo', 'oauthLogout', 'oauthConsentRevoke', 'oauthIntrospect',
  'sessionPasskeyLogin', 'sessionPasskeys',
];
const PROFILE_FUNCTIONS = ['UserprofileGetLambdaFunction', 'UserprofileCreateLambdaFunction', 'UserprofileUpdateLambdaFunction', 'ProfilePageLambdaFunction'];

type Resource = { Type: string; Properties: Record<string, any>; Condition?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any
let resources: Record<string, Resource>;
let outputs: Record<string, unknown>;
let artifacts: string[];
let dir: string;

function sls(args: string[]) {
  return promisify(execFile)(path.join(REPO, 'node_modules', '.bin', 'serverless'), args, {
    cwd: REPO,
    // Only what packaging needs: the test stack's settings (BCRYPT_COST=4…) must not leak into the template.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SLS_TELEMETRY_DISABLED: '1',
      ESBUILD_WORK_FOLDER: path.join(os.tmpdir(), `esbuild-${process.pid}`),
    },
    maxBuffer: 16 * 1024 * 1024,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sls-package-'));
  const params = Object.entries(PARAMS).map(([name, value]) => `--param=${name}=${value}`);
  await sls(['package', '--stage', 'prod', '--region', 'eu-west-1', '--package', dir, ...params]);
  const template = JSON.parse(await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
  outputs = template.Outputs;
  artifacts = (await readdir(dir)).filter((name) => name.endsWith('.zip'));
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const functions = () => ofType('AWS::Lambda::Function').map(([, fn]) => fn);



it('creates no API Gateway and no function URL: only Kong, and the schedule for key rotation, can invoke the functions', () => {
  const types = new Set(Object.values(resources).map((resource) => resource.Type));
  expect([...types].filter((type) => /ApiGateway|Lambda::Url/.test(type))).toEqual([]);
  // The one permission: EventBridge's, to run the key rotation on its schedule.
  expect(ofType('AWS::Lambda::Permission').map(([, p]) => [p.Properties.Principal, p.Properties.FunctionName])).toEqual([
    ['events.amazonaws.com', { 'Fn::GetAtt': ['RotateKeysLambdaFunction', 'Arn'] }],
  ]);
  expect(functions()).toHaveLength(KONG_FUNCTIONS.length + 1);
});

it('runs every function on nodejs24.x on arm64, inside the VPC, with the Kong Admin URL it was given', () => {
  for (const fn of functions()) {
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(fn.Properties.VpcConfig).toEqual({
      SecurityGroupIds: { 'Fn::Split': [',', 'sg-1,sg-2'] },
      SubnetIds: { 'Fn::Split': [',', 'subnet-1,subnet-2'] },
    });
    expect(fn.Properties.Environment.Variables).toMatchObject({
      KONG_ADMIN_URL: PARAMS.kongAdminUrl,
      PASSWORD_PEPPER: PARAMS.passwordPepper,
      DEVICE_TOKEN_SECRET: PARAMS.deviceTokenSecret,
      DEVICE_TOKEN_TTL_DAYS: '90',
      BCRYPT_COST: '10',
      PASSWORD_MIN_LENGTH: '15',
      POWERTOOLS_METRICS_DISABLED: 'false',
      ISSUER_URL: PARAMS.issuerUrl,
      ACCESS_TOKEN_ALGORITHM: 'ES256',
      // Private keys wrapped by KMS, unwrapped once per container: a deployed function refuses key files.
      SIGNING_KEY_CUSTODY: 'kms-envelope',
      KMS_KEY_TAG: 'kong-lambda-auth-prod',
    });
  }
  expect(ofType('AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties)).toEqual([
    expect.objectContaining({ VpcEndpointType: 'Gateway', VpcId: 'vpc-1', RouteTableIds: { 'Fn::Split': [',', 'rtb-1'] } }),
  ]);
});

it('packages one small artifact per function', () => {
  expect(artifacts.sort()).toEqual([...KONG_FUNCTIONS, 'rotateKeys'].sort().map((n) => `${n}.zip`));
  const keys = new Set(functions().map((fn) => fn.Properties.Code.S3Key));
  expect(keys.size).toBe(KONG_FUNCTIONS.length + 1);
});

/** The functions whose bundle holds `marker`: a string its minified code keeps. */
async function carrying(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const artifact of artifacts) {
    const zip = await JSZip.loadAsync(await readFile(path.join(dir, artifact)));
    const code = await Promise.all(Object.values(zip.files).filter((f) => f.name.endsWith('.js')).map((f) => f.async('string')));
    if (code.some((text) => text.includes(marker))) found.push(artifact.replace(/\.zip$/, ''));
  }
  return found.sort();
}

it('keeps the password dictionaries out of every bundle, as an asset in the zips of the functions that set passwords (issue 27)', async () => {
  // language-common's list of breached passwords, by its key.
  expect(await carrying('passwords-common')).toEqual([]);
  const withAsset: string[] = [];
  for (const artifact of artifacts) {
    const zip = await JSZip.loadAsync(await readFile(path.join(dir, artifact)));
    const asset = zip.file('lib/accounts/password-dictionary.json.br');
    if (!asset) continue;
    // The asset itself, byte for byte, where password-strength.ts looks for it (/var/task/lib/accounts/).
    expect((await asset.async('nodebuffer')).equals(await readFile(path.join(REPO, 'lib', 'accounts', 'password-dictionary.json.br')))).toBe(true);
    withAsset.push(artifact.replace(/\.zip$/, ''));
  }
  // securityPage: the security page's password change.
  expect(withAsset.sort()).toEqual(['password', 'passwordReset', 'securityPage', 'sessionRegister', 'signup']);
});

it('keeps the OpenAPI description out of the bundles, as an asset in the zips of the two functions that serve it (issue 27)', async () => {
  // The description's summary, which nothing else says.
  expect(await carrying('browser sessions and a user profile, through Kong Gateway')).toEqual([]);
  const withAsset: string[] = [];
  for (const artifact of artifacts) {
    const zip = await JSZip.loadAsync(await readFile(path.join(dir, artifact)));
    const asset = zip.file('lib/api-description/openapi.json');
    if (!asset) continue;
    expect((await asset.async('nodebuffer')).equals(await readFile(path.join(REPO, 'lib', 'api-description', 'openapi.json')))).toBe(true);
    withAsset.push(artifact.replace(/\.zip$/, ''));
  }
  expect(withAsset.sort()).toEqual(['apiReference', 'openapiDescription']);
});

it('carries no nodemailer: deployed functions send through SES (SESv2 SendEmail), nodemailer speaks SMTP to the local maildev only (issue 27)', async () => {
  // One of nodemailer's SMTP client's own error messages, and its MIME types table.
  expect(await carrying('Greeting never received')).toEqual([]);
  expect(await carrying('application/vnd.openxmlformats')).toEqual([]);
  for (const artifact of artifacts) {
    const zip = await JSZip.loadAsync(await readFile(path.join(dir, artifact)));
    expect(Object.keys(zip.files).filter((name) => name.includes('node_modules/nodemailer'))).toEqual([]);
  }
});

it('carries the password hasher only in the functions that hash or check a password', async () => {
  // One of bcryptjs' own error messages.
  expect(await carrying('Illegal number of rounds')).toEqual(['accountDelete', 'emailChange', 'oauthToken', 'password', 'passwordReset', 'securityPage', 'sessionAccountDelete', 'sessionLogin', 'sessionRegister', 'signin', 'signup']);
});

it('carries neither jsonwebtoken nor semver: tokens are signed with node:crypto and verified with jose (issue 27)', async () => {
  // One of semver's own constants, and one of jsonwebtoken's own error messages.
  expect(await carrying('SEMVER_SPEC_VERSION')).toEqual([]);
  expect(await carrying('jwt must be provided')).toEqual([]);
});

it('carries the Kong Admin client only in the functions that call the Admin API', async () => {
  // A class of axios' own, which lib/kong/admin-client.ts uses through it.
  // Of the operators' functions, those that disable, sign out or delete (adminUser: GET and DELETE);
  // search, details, sessions and enable use the records-only flow (issue 27).
  // refresh: once per account and signing key, the credential for a new key (lib/flows/subject.ts).
  // securityPage: its password change rotates the user's Kong credential (lib/flows/password-change.ts).
  expect(await carrying('AxiosHeaders')).toEqual([
    'accountDelete', 'adminDisable', 'adminSignOut', 'adminUser',
    'health', 'logoutAll', 'oauthToken', 'passkeySignin', 'password', 'passwordReset', 'refresh', 'rotateKeys', 'securityPage', 'sessionAccountDelete', 'sessionRegister', 'signin', 'signinMfa', 'signup',
  ]);
});

it('carries WebAuthn verification (@simplewebauthn/server, about 600 kB with its X.509 and ASN.1 parsers) only in the functions that verify a WebAuthn ceremony (issue 27): listing, renaming, removing and the security page go without', async () => {
  // One of verifyAuthenticationResponse's own error messages. A sign-in flow that names a
  // passkey error takes it from lib/passkeys/types.ts, never from passkeys.ts.
  expect(await carrying('Credential ID was not base64url-encoded')).toEqual(['passkeyRegister', 'passkeySignin', 'sessionLoginMfa', 'sessionPasskeyLogin', 'sessionPasskeys', 'signinMfa']);
});

it('expires token and attempt items by TTL and keeps point-in-time recovery on the users table', () => {
  expect(resources.TokensTable.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  expect(resources.AttemptsTable.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  expect(resources.UsersTable.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
});

type Statement = { Effect: string; Action: string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
/** The statements of a function's own role (its logical id without LambdaFunction). */
function statementsOf(fn: string): Statement[] {
  const role = resources[`${fn}Role`].Properties;
  return (role.Policies ?? []).flatMap((policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement);
}
const upper = (name: string) => name[0].toUpperCase() + name.slice(1);
const ALL_FUNCTIONS = [...KONG_FUNCTIONS, 'rotateKeys'].map(upper);
/** The functions that sign tokens with the service's keys. */
// SecurityPage: its password change is the API's flow, which starts a token session (ended at once, security.ts).
const SIGNERS = ['OauthToken', 'PasskeySignin', 'Password', 'Refresh', 'SecurityPage', 'SessionAuthenticate', 'Signin', 'SigninMfa'];
const TABLE = (name: string) => ({ 'Fn::GetAtt': [name, 'Arn'] });
const KEYRING_ONLY = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['keyring'] } };
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

it('gives every function a role of its own, and no role shared by all', () => {
  expect(resources).not.toHaveProperty('IamRoleLambdaExecution');
  for (const fn of ALL_FUNCTIONS) {
    expect(resources[`${fn}LambdaFunction`].Properties.Role).toEqual({ 'Fn::GetAtt': [`${fn}Role`, 'Arn'] });
    expect(resources[`${fn}Role`].Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' },
    ]);
  }
});

/**
 * The only Scans (docs/admin.md, "Why Scans"): the operators' search of the
 * users table, and account erasure's of the tokens table (refresh tokens and
 * browser sessions have no index by owner).
 */
const SCANS: Record<string, string> = { AdminUsers: 'UsersTable', AdminUser: 'TokensTable', AdminClients: 'TokensTable', AccountDelete: 'TokensTable', SessionAccountDelete: 'TokensTable' };

it("grants item-level actions on the service's own tables only: no scan but erasure's, the admin search's and the client list's, no wildcard, queries on the sessions index alone", () => {
  for (const fn of ALL_FUNCTIONS) {
    for (const statement of statementsOf(fn).filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')))) {
      if (statement.Action.includes('dynamodb:Scan')) {
        expect({ fn, resource: statement.Resource }).toEqual({ fn, resource: TABLE(SCANS[fn] ?? 'none') });
        continue;
      }
      expect(statement.Action.every((action) => !/\*|Scan|Table|Export|Restore|Backup/.test(action))).toBe(true);
      if (statement.Action.includes('dynamodb:Query')) {
        expect(statement).toEqual({ Effect: 'Allow', Action: ['dynamodb:Query'], Resource: { 'Fn::Join': ['/', [TABLE('TokensTable'), 'index', 'sessions-by-owner']] } });
      } else {
        expect([TABLE('UsersTable'), TABLE('TokensTable'), TABLE('AttemptsTable'), TABLE('ProfilesTable')]).toContainEqual(statement.Resource);
      }
    }
  }
});

it("lets only the functions that mail send through SES, as the stage's identity and configuration set only", () => {
  const senders = ['Signup', 'SessionRegister', 'PasswordForgot', 'PasswordReset', 'EmailResend', 'EmailChange', 'SecurityPage'];
  const ses = (fn: string) => statementsOf(fn).filter((s) => s.Action.some((a) => a.startsWith('ses:')));
  const arn = (kind: string, name: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:${kind}/${name}` });
  for (const fn of ALL_FUNCTIONS) {
    if (senders.includes(fn)) {
      expect(ses(fn)).toEqual([{ Effect: 'Allow', Action: ['ses:SendEmail'], Resource: [arn('identity', 'auth.example.test'), arn('configuration-set', 'auth-mail')] }]);
    } else {
      expect(ses(fn)).toEqual([]);
    }
  }
  const env = resources.PasswordForgotLambdaFunction.Properties.Environment.Variables;
  expect(env).toMatchObject({ MAIL_TRANSPORT: 'ses', MAIL_FROM: 'Example Auth <no-reply@auth.example.test>', SES_CONFIGURATION_SET: 'auth-mail' });
});

it('gives the pages, assets, the API description and discovery no access to any table or key', () => {
  for (const fn of ['SigninPage', 'RegisterPage', 'RecoveryPages', 'Assets', 'OpenapiDescription', 'ApiReference', 'OpenidConfiguration']) {
    expect(statementsOf(fn)).toEqual([]);
  }
});

it('lets only the key rotation write the keyring, the item that decides which keys are trusted', () => {
  expect(statementsOf('Jwks')).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE('TokensTable'), Condition: KEYRING_ONLY }]);
  for (const fn of ALL_FUNCTIONS.filter((name) => name !== 'RotateKeys')) {
    const writesTokens = statementsOf(fn).some((s) => s.Effect === 'Allow' && s.Action.some((a) => WRITES.includes(a)) && JSON.stringify(s.Resource) === JSON.stringify(TABLE('TokensTable')));
    if (!writesTokens) continue;
    expect(statementsOf(fn)).toContainEqual({
      Effect: 'Deny',
      Action: expect.arrayContaining(WRITES),
      Resource: TABLE('TokensTable'),
      Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['keyring'] } },
    });
  }
  expect(statementsOf('RotateKeys')).toContainEqual({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: TABLE('TokensTable'), Condition: KEYRING_ONLY });
});

it("lists a user's sessions from an index of the tokens table that only session items are in", () => {
  expect(resources.TokensTable.Properties.GlobalSecondaryIndexes).toEqual([
    {
      IndexName: 'sessions-by-owner',
      KeySchema: [
        { AttributeName: 'sessionOwner', KeyType: 'HASH' },
        { AttributeName: 'createdAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ]);
});

it('gives the user-profile service its own table only, and no auth function the profiles table', () => {
  for (const id of PROFILE_FUNCTIONS) {
    expect(resources[id].Properties.Environment.Variables).toMatchObject({ IDENTITY_JWKS_URL: PARAMS.identityJwksUrl, PROFILES_TABLE: expect.stringContaining('profiles') });
    expect(resources[id].Properties.Environment.Variables).not.toHaveProperty('IDENTITY_SIGNING_KEY');
    const own = statementsOf(id.replace(/LambdaFunction$/, ''));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((s) => JSON.stringify(s.Resource) === JSON.stringify(TABLE('ProfilesTable')))).toBe(true);
  }
  expect(statementsOf('UserprofileGet')).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE('ProfilesTable') }]);
  const others = ALL_FUNCTIONS.filter((fn) => !PROFILE_FUNCTIONS.includes(`${fn}LambdaFunction`));
  // Account export reads a profile and erasure deletes one (docs/admin.md); no auth function ever writes one.
  const reaching = ['AccountExport', 'SessionAccountExport', 'AccountDelete', 'SessionAccountDelete', 'AdminUser'];
  expect(others.filter((fn) => JSON.stringify(statementsOf(fn)).includes('ProfilesTable')).sort()).toEqual(reaching.sort());
  for (const fn of reaching) {
    const actions = statementsOf(fn).filter((s) => JSON.stringify(s.Resource) === JSON.stringify(TABLE('ProfilesTable'))).flatMap((s) => s.Action);
    expect(actions.every((action) => ['dynamodb:GetItem', 'dynamodb:DeleteItem'].includes(action))).toBe(true);
  }
  expect(resources.ProfilesTable.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  // Identity tokens are signed as access tokens are: no function's configuration holds a private key.
  const holders = ofType('AWS::Lambda::Function').filter(([, fn]) => /PRIVATE KEY/.test(JSON.stringify(fn.Properties.Environment)));
  expect(holders).toEqual([]);
});

it('gives the health check one read of the users table, nothing else', () => {
  expect(statementsOf('Health')).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], Resource: TABLE('UsersTable') }]);
});

it("ships the policy Kong needs: lambda:InvokeFunction on exactly these functions", () => {
  const policy = resources.KongInvokePolicy.Properties.PolicyDocument.Statement;
  expect(policy).toEqual([
    {
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: expect.arrayContaining(
        ofType('AWS::Lambda::Function')
          .map(([id]) => id)
          .filter((id) => id !== 'RotateKeysLambdaFunction')
          .map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
      ),
    },
  ]);
  const rotate = { 'Fn::GetAtt': ['RotateKeysLambdaFunction', 'Arn'] };
  expect(policy[0].Resource).not.toContainEqual(rotate);
  expect(policy[0].Resource).toHaveLength(KONG_FUNCTIONS.length);
  expect(outputs).toHaveProperty('KongInvokePolicyArn');
});

it("lets only the functions that sign use this stage's KMS keys, tagged as its signers, and only the rotation make or retire keys", () => {
  const tagged = { StringEquals: { 'aws:ResourceTag/kong-lambda-auth': 'kong-lambda-auth-prod' } };
  const kmsOf = (fn: string) => statementsOf(fn).filter((s) => s.Action.some((a) => a.startsWith('kms:')));
  const signers = ALL_FUNCTIONS.filter((fn) => kmsOf(fn).some((s) => s.Action.includes('kms:Sign')));
  // Those that issue access tokens, identity tokens or ID tokens, and nothing else.
  expect(signers.sort()).toEqual(SIGNERS);
  const signing = [
    { Effect: 'Allow', Action: ['kms:Sign'], Resource: '*', Condition: tagged },
    { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: '*', Condition: tagged },
  ];
  // Second factors' secrets, sealed under the stage's own key (lib/second-factors): data keys, never signing.
  const sealing = { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*', Condition: tagged };
  for (const fn of signers) {
    // Sign (custody kms) and Decrypt (custody kms-envelope: the wrapped private key, once per container), on
    // this stage's keys only; each key's own policy allows only its kind's use, so a stage can switch custody.
    expect(kmsOf(fn).filter((s) => !s.Action.includes('kms:GenerateDataKey'))).toEqual(signing);
    // The key policy (lib/keys/key-policy.ts) lets only roles with this tag sign or unwrap a signing key.
    expect(resources[`${fn}Role`].Properties.Tags).toEqual([{ Key: 'kong-lambda-auth-signer', Value: 'kong-lambda-auth-prod' }]);
  }
  const decrypting = ALL_FUNCTIONS.filter((fn) => kmsOf(fn).some((s) => s.Action.includes('kms:Decrypt')));
  for (const fn of decrypting.filter((fn) => !signers.includes(fn))) {
    expect(kmsOf(fn)).toEqual([sealing]);
    // Without the signer tag, no signing key's policy lets it unwrap that key.
    expect(JSON.stringify(resources[`${fn}Role`].Properties.Tags ?? [])).not.toContain('kong-lambda-auth-signer');
  }
  const makers = ALL_FUNCTIONS.filter((fn) => kmsOf(fn).some((s) => s.Action.some((a) => !['kms:Sign', 'kms:Decrypt', 'kms:GenerateDataKey'].includes(a))));
  // Nobody may take a key pair's private half in plaintext from KMS, nor decrypt but the signers.
  expect(ALL_FUNCTIONS.filter((fn) => kmsOf(fn).some((s) => s.Action.includes('kms:GenerateDataKeyPair')))).toEqual([]);
  expect(kmsOf('RotateKeys').flatMap((s) => s.Action)).not.toContain('kms:Decrypt');
  expect(makers).toEqual(['RotateKeys']);
  const own = kmsOf('RotateKeys');
  expect(own).toContainEqual(expect.objectContaining({ Action: ['kms:CreateKey', 'kms:TagResource'], Condition: expect.objectContaining({ StringEquals: { 'aws:RequestTag/kong-lambda-auth': 'kong-lambda-auth-prod' } }) }));
  expect(own).toContainEqual(expect.objectContaining({ Action: ['kms:GetPublicKey', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:ScheduleKeyDeletion'], Condition: tagged }));
  expect(resources.RotateKeysRole.Properties.Tags).toEqual([{ Key: 'kong-lambda-auth-rotation', Value: 'kong-lambda-auth-prod' }]);
  // The account, named in each new key's own policy as its administrator (never a signer).
  expect(resources.RotateKeysLambdaFunction.Properties.Environment.Variables.KMS_KEY_ADMIN_PRINCIPAL).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' });
  expect(ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties.ScheduleExpression)).toEqual(['rate(15 minutes)']);
});

it('refuses to package a deployed stage without its Kong Admin URL and VPC', async () => {
  const refused = await sls(['package', '--stage', 'prod', '--package', path.join(dir, 'refused')]).catch((error) => error);
  expect(refused.code).toBe(1);
  expect(`${refused.stdout}${refused.stderr}`).toContain('Cannot resolve variable at "provider.environment.KONG_ADMIN_URL": Value not found at "param" source');
}, 60_000);

it.each(['passwordPepper', 'deviceTokenSecret'])('refuses to package a deployed stage without its %s', async (secret) => {
  const params = Object.entries(PARAMS)
    .filter(([name]) => name !== secret)
    .map(([name, value]) => `--param=${name}=${value}`);
  const refused = await sls(['package', '--stage', 'prod', '--package', path.join(dir, `no-${secret}`), ...params]).catch((error) => error);
  expect(refused.code).toBe(1);
  const variable = { passwordPepper: 'PASSWORD_PEPPER', deviceTokenSecret: 'DEVICE_TOKEN_SECRET' }[secret];
  expect(`${refused.stdout}${refused.stderr}`).toContain(`Cannot resolve variable at "provider.environment.${variable}": Value not found at "param" source`);
}, 60_000);
