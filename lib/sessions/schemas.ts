import * as v from 'valibot';
import { object, requiredString } from '../platform/schemas';

const opaqueToken = v.pipe(requiredString(), v.maxLength(512, 'is too long'));
export const refreshBody = object({ refresh_token: opaqueToken });
export const revokeBody = object({ token: opaqueToken });
