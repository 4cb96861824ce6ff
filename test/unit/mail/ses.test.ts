/**
 * Mail in AWS (lib/mail/ses.ts): what SES receives, through the real SESv2
 * client and its serializer (only the HTTP request is caught, not sent).
 */
import { Readable } from 'node:stream';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { transportMailer } from '../../../lib/mail';
import { friendlyFrom, sesTransport } from '../../../lib/mail/ses';

function capturingClient() {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const client = new SESv2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      async handle(request: { path: string; body: Uint8Array | string }) {
        requests.push({ path: request.path, body: JSON.parse(Buffer.from(request.body).toString('utf8')) });
        const body = Readable.from([Buffer.from(JSON.stringify({ MessageId: 'm-1' }))]);
        return { response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body } };
      },
    } as never,
  });
  return { client, requests };
}

it('sends one SendEmail with Simple content: the subject, the text and the HTML as the templates made them, in UTF-8', async () => {
  const { client, requests } = capturingClient();
  const mailer = transportMailer(() => sesTransport(client, SendEmailCommand, 'auth-mail'), { from: 'Example Auth <no-reply@auth.example.test>', timeoutMs: 5000 });
  await expect(mailer.send('alice@example.test', { subject: 'Example Auth: reset – ß', text: 'Go: https://x.test/?token=a', html: '<p>Go</p>' }, 'password_reset')).resolves.toBe(true);
  expect(requests).toEqual([
    {
      path: '/v2/email/outbound-emails',
      body: {
        FromEmailAddress: 'Example Auth <no-reply@auth.example.test>',
        Destination: { ToAddresses: ['alice@example.test'] },
        Content: {
          Simple: {
            Subject: { Data: 'Example Auth: reset – ß', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Go: https://x.test/?token=a', Charset: 'UTF-8' }, Html: { Data: '<p>Go</p>', Charset: 'UTF-8' } },
          },
        },
        ConfigurationSetName: 'auth-mail',
      },
    },
  ]);
});

it('makes the client once, on the first mail', async () => {
  const { client } = capturingClient();
  const made = jest.fn(() => sesTransport(client, SendEmailCommand, undefined));
  const mailer = transportMailer(made, { from: 'a@b.test', timeoutMs: 5000 });
  expect(made).not.toHaveBeenCalled();
  await mailer.send('x@example.test', { subject: 's', text: 't', html: 'h' }, 'verify_email');
  await mailer.send('y@example.test', { subject: 's', text: 't', html: 'h' }, 'verify_email');
  expect(made).toHaveBeenCalledTimes(1);
});

it('encodes a sender name SES would refuse (not 7-bit ASCII) as an RFC 2047 encoded-word, and leaves an ASCII one as given', () => {
  expect(friendlyFrom('Café Auth <no-reply@auth.example.test>')).toBe(`=?UTF-8?B?${Buffer.from('Café Auth').toString('base64')}?= <no-reply@auth.example.test>`);
  expect(friendlyFrom('"Café Auth" <no-reply@auth.example.test>')).toBe(`=?UTF-8?B?${Buffer.from('Café Auth').toString('base64')}?= <no-reply@auth.example.test>`);
  expect(friendlyFrom('Example Auth <no-reply@auth.example.test>')).toBe('Example Auth <no-reply@auth.example.test>');
  expect(friendlyFrom('no-reply@auth.example.test')).toBe('no-reply@auth.example.test');
});
