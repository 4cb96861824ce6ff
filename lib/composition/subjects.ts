// What signs an account's access tokens, with its Kong credential (bundles axios).
import { tokenSubjects } from '../flows/subject';
import { config } from '../platform/config';
import { signingKeys } from './keys';
import { kongCredentials } from './kong';

export const subjects = tokenSubjects({ kongCredentials, signingKeys: config.accessTokenAlgorithm === 'HS256' ? undefined : signingKeys });
