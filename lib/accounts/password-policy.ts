import { AppError } from '../platform/errors';

/** How hard a password is to guess, 0 (trivial) to 4, in zxcvbn's terms; `context` are words the attacker knows (the username). */
export type StrengthEstimator = (password: string, context: string[]) => number;

/** zxcvbn's "safely unguessable: moderate protection from offline slow-hash scenario" (10^8 guesses and more). */
export const MIN_STRENGTH = 3;

/** Refused passwords say what to do, and never which list or rule of the estimator matched. */
export const weakPassword = (message: string) => new AppError('weak_password', message);

/**
 * NIST SP 800-63B rev. 4's rules for a password chosen by its user: long
 * enough, no composition rules, and not one an attacker tries early (common
 * and breached passwords with their usual variations: the estimator's
 * dictionaries, l33t, keyboard walks, repeats, dates), nor one built on the
 * username. Length is counted in Unicode code points after NFKC, as the
 * hasher sees it.
 */
export class PasswordPolicy {
  /**
   * @param loadEstimator brings in the estimator (megabytes of dictionaries)
   *   on first use: only the functions that set passwords pay for it
   */
  constructor(
    private readonly minLength: number,
    private readonly loadEstimator: () => Promise<StrengthEstimator>,
  ) {}

  /** Refuses (400 weak_password) a password `username` may not choose; `field` names it in the message. */
  async check(password: string, username: string, field = 'password'): Promise<void> {
    const normalized = password.normalize('NFKC');
    if ([...normalized].length < this.minLength) throw weakPassword(`${field}: must be at least ${this.minLength} characters`);
    if (normalized.toLowerCase().includes(username.toLowerCase())) throw weakPassword(`${field}: must not contain the username`);
    const estimate = await this.loadEstimator();
    if (estimate(normalized, [username]) < MIN_STRENGTH) {
      throw weakPassword(`${field}: is too easy to guess; use a longer passphrase, such as several unrelated words`);
    }
  }
}
