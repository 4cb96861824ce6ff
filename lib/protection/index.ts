// Account protection; the real one, on the attempts table, is built in lib/composition/protection.ts.
export { tooManyAttempts } from './limits';
