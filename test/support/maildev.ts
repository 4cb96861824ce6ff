/** The mails a stack's maildev caught, read from maildev 3's REST API (`GET /api/email`), never from a mock. */

export interface CaughtMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: Array<{ address: string }>;
}

const POLL_MS = 100;
const WAIT_MS = 10_000;

export async function allMail(base = process.env.MAILDEV_URL!): Promise<CaughtMail[]> {
  const response = await fetch(`${base}/api/email`);
  if (!response.ok) throw new Error(`maildev: ${response.status}`);
  return (await response.json()) as CaughtMail[];
}

/** Mails to `address` whose subject matches, oldest first. */
export async function mailTo(address: string, subject: RegExp, base?: string): Promise<CaughtMail[]> {
  return (await allMail(base)).filter((mail) => mail.to.some((to) => to.address.toLowerCase() === address.toLowerCase()) && subject.test(mail.subject));
}

/**
 * The `count`th mail to `address` matching `subject`. The service sends before
 * it answers; maildev may file it a moment later, so this waits for it (the
 * test fails with the mails there are, not on a clock).
 */
export async function waitForMail(address: string, subject: RegExp, { count = 1, base }: { count?: number; base?: string } = {}): Promise<CaughtMail> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await mailTo(address, subject, base);
    if (found.length >= count) return found[count - 1];
    if (Date.now() > deadline) {
      const seen = (await allMail(base)).map((mail) => `${mail.to.map((to) => to.address).join(',')}: ${mail.subject}`);
      throw new Error(`no mail ${subject} to ${address}; maildev has:\n${seen.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The link in a mail's text, and its token. */
export function linkIn(mail: CaughtMail): { url: string; token: string } {
  const url = /(https?:\/\/\S+\?token=([A-Za-z0-9_-]+))/.exec(mail.text);
  if (!url) throw new Error(`no link in: ${mail.text}`);
  return { url: url[1], token: url[2] };
}
