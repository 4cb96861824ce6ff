import * as v from 'valibot';

/** Building blocks for request-body schemas, with the messages clients see. */
export const string = () => v.string((issue) => (issue.input === undefined ? 'is required' : 'must be a string'));

export const requiredString = () => v.pipe(string(), v.nonEmpty('is required'));

// Bodies are known to be JSON objects by now (lib/platform/http.ts): the
// object's own message is only used for a missing key.
export const object = <T extends v.ObjectEntries>(entries: T) => v.object(entries, 'is required');
