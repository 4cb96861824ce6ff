'use strict';
/**
 * A local serverless plugin: each function gets an IAM role of its own,
 * holding exactly the grants it lists under `access` (scripts/serverless/grants.js).
 *
 * Written here rather than with serverless-iam-roles-per-function: that
 * plugin takes raw IAM statements per function, so 29 functions would
 * repeat the same table statements (and the keyring's deny) by hand, and
 * nothing would let the local stack check that the list is enough. Here one
 * list decides both the role in AWS and, when the functions run locally,
 * the IAM stand-in's policy (lib/platform/iam-stand-in.ts): a function that
 * needs a grant it does not list fails its end-to-end test with 503.
 */
const { GRANTS, KEYRING_ID } = require('./grants');

/** The tag this service's KMS keys and its roles carry (KMS_TAG in lib/keys/kms-custody.ts). */
const TAG_KEY = 'kong-lambda-auth';
/** Role tags the KMS key policy names (lib/keys/key-policy.ts): who may sign, who may retire keys. */
const SIGNER_TAG = 'kong-lambda-auth-signer';
const ROTATION_TAG = 'kong-lambda-auth-rotation';

const VPC_EXECUTION = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' };

const roleName = (functionName) => `${functionName[0].toUpperCase()}${functionName.slice(1)}Role`;

class LeastPrivilege {
  constructor(serverless) {
    this.serverless = serverless;
    serverless.configSchemaHandler.defineFunctionProperties('aws', {
      properties: { access: { type: 'array', items: { enum: Object.keys(GRANTS) }, uniqueItems: true } },
    });
    this.hooks = {
      'before:package:initialize': () => this.addRoles(),
      'before:offline:start': () => this.addStandIn(),
      'before:offline:start:init': () => this.addStandIn(),
      'before:invoke:local:invoke': () => this.addStandIn(),
    };
  }

  /** Every function must say what it needs, even nothing: a new one never inherits a wide role. */
  statementsOf(name, fn) {
    if (!Array.isArray(fn.access)) {
      throw new this.serverless.classes.Error(`functions.${name}.access is missing: list the grants it needs (scripts/serverless/grants.js), [] for none`);
    }
    return fn.access.flatMap((grant) => GRANTS[grant].map((statement) => ({ effect: 'Allow', ...statement })));
  }

  kmsTag() {
    return this.serverless.service.provider.environment.KMS_KEY_TAG;
  }

  addRoles() {
    const resources = (this.serverless.service.resources ??= {});
    resources.Resources ??= {};
    for (const [name, fn] of Object.entries(this.serverless.service.functions ?? {})) {
      const statements = this.statementsOf(name, fn).map((statement) => this.iamStatement(statement));
      const tags = [];
      if (fn.access.includes('kms:sign') || fn.access.includes('kms:decrypt')) tags.push({ Key: SIGNER_TAG, Value: this.kmsTag() });
      if (fn.access.includes('kms:manage')) tags.push({ Key: ROTATION_TAG, Value: this.kmsTag() });
      resources.Resources[roleName(name)] = {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          // Logs, and the network interfaces of a function in the VPC.
          ManagedPolicyArns: [VPC_EXECUTION],
          ...(statements.length > 0
            ? { Policies: [{ PolicyName: `${name}-access`, PolicyDocument: { Version: '2012-10-17', Statement: statements } }] }
            : {}),
          ...(tags.length > 0 ? { Tags: tags } : {}),
        },
      };
      fn.role = roleName(name);
    }
  }

  iamStatement({ effect, actions, table, index, keyring, kms, ses }) {
    if (ses) {
      // SendEmail is authorised on the identity and, when one is named, on the configuration set.
      const { mailIdentity, sesConfigurationSet } = this.serverless.service.custom ?? {};
      if (!mailIdentity) throw new this.serverless.classes.Error('custom.mailIdentity (param mailIdentity, env MAIL_IDENTITY) is required by the mail:send grant');
      const arn = (kind, name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:${kind}/${name}` });
      const resources = [arn('identity', mailIdentity), ...(sesConfigurationSet ? [arn('configuration-set', sesConfigurationSet)] : [])];
      return { Effect: effect, Action: actions, Resource: resources };
    }
    if (kms) {
      const condition =
        kms === 'request-tag'
          ? { StringEquals: { [`aws:RequestTag/${TAG_KEY}`]: this.kmsTag() }, 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_KEY] } }
          : { StringEquals: { [`aws:ResourceTag/${TAG_KEY}`]: this.kmsTag() } };
      return { Effect: effect, Action: actions, Resource: '*', Condition: condition };
    }
    const arn = { 'Fn::GetAtt': [table, 'Arn'] };
    const statement = { Effect: effect, Action: actions, Resource: index ? { 'Fn::Join': ['/', [arn, 'index', index]] } : arn };
    if (keyring) {
      // Allow: only the keyring's item; Deny: any request touching it.
      const operator = effect === 'Allow' ? 'ForAllValues:StringEquals' : 'ForAnyValue:StringEquals';
      statement.Condition = { [operator]: { 'dynamodb:LeadingKeys': [KEYRING_ID] } };
    }
    return statement;
  }

  /**
   * Locally there is no IAM: the handlers' DynamoDB client checks each call
   * against its function's grants instead (the stand-in), keyed by handler
   * file, since serverless-offline runs every function in one process.
   */
  addStandIn() {
    const tables = this.serverless.service.resources?.Resources ?? {};
    const policies = {};
    for (const [name, fn] of Object.entries(this.serverless.service.functions ?? {})) {
      const handlerFile = fn.handler.replace(/\.[^./]+$/, '');
      policies[handlerFile] = this.statementsOf(name, fn)
        .filter((statement) => statement.table)
        .map(({ effect, actions, table, index, keyring }) => ({
          effect,
          actions,
          table: tables[table].Properties.TableName,
          ...(index ? { index } : {}),
          ...(keyring ? { leadingKey: KEYRING_ID } : {}),
        }));
    }
    this.serverless.service.provider.environment.IAM_STAND_IN_POLICIES = JSON.stringify(policies);
  }
}

module.exports = LeastPrivilege;
