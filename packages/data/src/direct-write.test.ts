import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  DynamoDBClient,
  DynamoDBServiceException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { HttpResponse } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransactWriteItemsDirectCommand } from './direct-write.ts';

// A stand-in for DynamoDB's HTTP endpoint: it records each request and answers what the test scripted, in order.
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
/** `cut`: the status line and headers, a part of the body, then the connection closed. */
type Answer = { status: number; body: unknown; cut?: boolean; date?: string };
const received: Received[] = [];
let answers: Answer[] = [];
let server: Server;
let endpoint = '';

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    const answer: Answer = answers.shift() ?? { status: 200, body: {} };
    if (answer.cut) {
      response.writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': 100,
      });
      response.write('{"Consumed');
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    response.writeHead(answer.status, {
      'content-type': 'application/x-amz-json-1.0',
      ...(answer.date ? { date: answer.date } : {}),
    });
    response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());
beforeEach(() => {
  received.length = 0;
  answers = [];
});

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const client = (maxAttempts = 3) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'cn-north-1', endpoint, credentials, maxAttempts }),
  );
const items = [
  {
    Put: {
      TableName: 't',
      Item: marshall({ pk: 'B#0a1b2c3d#t.party.7', sk: 'BALLOT', r: { a: { o: 'S' } } }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  { Put: { TableName: 't', Item: marshall({ pk: 'RC#0a1b2c3d#x', sk: 'xyz#abc' }) } },
];

/** Checks a request's SigV4 signature by signing what arrived again, at its own date, with the same key. */
async function signatureHolds(
  request: Received,
  keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = credentials,
): Promise<boolean> {
  const authorization = String(request.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const amzDate = String(request.headers['x-amz-date']);
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const url = new URL(request.url, endpoint);
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
  // a signed payload hash stands for the body in the signature: it must be the body's
  const payloadHash = headers['x-amz-content-sha256'];
  if (payloadHash !== undefined && payloadHash !== createHash('sha256').update(request.body).digest('hex'))
    return false;
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: 'cn-north-1',
    credentials: keys,
    sha256: (await import('@smithy/core/checksum')).Sha256Node,
  });
  const again = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers,
      body: request.body,
    } satisfies HttpRequest,
    { signingDate: date },
  );
  return again.headers.authorization === authorization;
}

describe('TransactWriteItemsDirectCommand', () => {
  it('sends the transaction as DynamoDB JSON, signed as the SDK signs its own (both signatures check out)', async () => {
    const db = client();
    await db.send(new TransactWriteItemsDirectCommand({ TransactItems: items }));
    await db.send(new TransactWriteItemsCommand({ TransactItems: items }));
    const [direct, sdk] = received;
    expect(direct?.headers['x-amz-target']).toBe('DynamoDB_20120810.TransactWriteItems');
    expect(direct?.headers['content-type']).toBe('application/x-amz-json-1.0');
    const body = (request?: Received) => JSON.parse(request?.body ?? '') as Record<string, unknown>;
    // both carry an idempotency token of their own, and otherwise the same transaction
    expect(body(direct)).toEqual({
      ClientRequestToken: expect.stringMatching(/^[\w-]{36}$/),
      TransactItems: items,
    });
    expect({ ...body(direct), ClientRequestToken: 0 }).toEqual({ ...body(sdk), ClientRequestToken: 0 });
    expect(String(direct?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cn-north-1\/dynamodb\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(await signatureHolds(direct as Received)).toBe(true);
    expect(await signatureHolds(sdk as Received)).toBe(true);
    // the check itself fails on a body that was not signed
    expect(await signatureHolds({ ...(direct as Received), body: `${direct?.body} ` })).toBe(false);
  });

  it('signs with the credentials of the moment: a session token is sent and signed, a new secret gets a new key', async () => {
    // a Lambda's role credentials: temporary, with a session token, replaced before they expire
    const issued = [
      { accessKeyId: 'ASIAFIRST', secretAccessKey: 'first-secret', sessionToken: 'token-one' },
      { accessKeyId: 'ASIASECOND', secretAccessKey: 'second-secret', sessionToken: 'token-two' },
    ];
    let current = 0;
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'cn-north-1',
        endpoint,
        // expiring within the SDK's five minutes of refresh: asked again for every request
        credentials: async () => ({
          ...(issued[current] as (typeof issued)[0]),
          expiration: new Date(Date.now() + 60_000),
        }),
      }),
    );
    await db.send(new TransactWriteItemsDirectCommand({ TransactItems: items }));
    current = 1;
    await db.send(new TransactWriteItemsDirectCommand({ TransactItems: items }));
    const [first, second] = received as [Received, Received];
    expect(first.headers['x-amz-security-token']).toBe('token-one');
    expect(second.headers['x-amz-security-token']).toBe('token-two');
    expect(String(first.headers.authorization)).toContain('x-amz-security-token');
    expect(await signatureHolds(first, issued[0])).toBe(true);
    expect(await signatureHolds(second, issued[1])).toBe(true);
    // the check tells the keys apart: the second request was not signed with the first secret
    expect(await signatureHolds(second, { ...issued[1], secretAccessKey: 'first-secret' } as never)).toBe(
      false,
    );
  });

  it('counts a 200 as written even when its body is cut off: no error, not sent again', async () => {
    answers = [{ status: 200, body: '', cut: true }];
    await client().send(new TransactWriteItemsDirectCommand({ TransactItems: items }));
    // the cut arrives after the answer was taken: an 'error' nobody listened to would fail this test file too
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(1);
  });

  it('corrects the client’s clock from the server’s Date after a signature refused as expired, and sends again', async () => {
    const serverNow = Date.now() + 3_600_000; // this machine's clock is an hour behind
    const expired = {
      __type: 'com.amazon.coral.service#InvalidSignatureException',
      message: 'Signature expired: 20261201T080000Z is now earlier than 20261201T085500Z',
    };
    const date = new Date(serverNow).toUTCString();
    answers = [
      { status: 400, body: expired, date },
      { status: 200, body: {}, date },
    ];
    const db = client();
    await db.send(new TransactWriteItemsDirectCommand({ TransactItems: items }));
    expect(received).toHaveLength(2);
    const signedAt = (request?: Received) => {
      const d = String(request?.headers['x-amz-date']);
      return Date.parse(
        `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 11)}:${d.slice(11, 13)}:${d.slice(13)}`,
      );
    };
    expect(Math.abs(signedAt(received[0]) - Date.now())).toBeLessThan(5_000);
    expect(Math.abs(signedAt(received[1]) - serverNow)).toBeLessThan(5_000);
    // the client's other commands sign with the corrected clock too
    expect(Math.abs((db.config.systemClockOffset ?? 0) - 3_600_000)).toBeLessThan(5_000);
  });

  it('does not send a refused signature again when the clocks agree', async () => {
    answers = [
      {
        status: 400,
        body: { __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'wrong key' },
        date: new Date().toUTCString(),
      },
    ];
    const error = await client()
      .send(new TransactWriteItemsDirectCommand({ TransactItems: items }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidSignatureException' });
    expect(received).toHaveLength(1);
  });

  it('refuses an endpoint with a path, which no DynamoDB endpoint has', async () => {
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'cn-north-1', endpoint: `${endpoint}/proxy`, credentials }),
    );
    await expect(db.send(new TransactWriteItemsDirectCommand({ TransactItems: items }))).rejects.toThrow(
      'a DynamoDB endpoint has no path or query',
    );
    expect(received).toHaveLength(0);
  });

  it('throws the SDK’s TransactionCanceledException with its reasons and the stored item', async () => {
    const stored = marshall({ pk: 'B#0a1b2c3d#t.party.7', sd: 'digest' });
    answers = [
      {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          Message:
            'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
          CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: stored }, { Code: 'None' }],
        },
      },
    ];
    const error = await client()
      .send(new TransactWriteItemsDirectCommand({ TransactItems: items }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Item: stored },
      { Code: 'None' },
    ]);
    expect((error as TransactionCanceledException).$metadata.httpStatusCode).toBe(400);
    expect(received).toHaveLength(1); // a cancelled transaction is an answer, not a failure to retry
  });

  it('sends again after a server error or a throttle, as the client’s retry strategy allows', async () => {
    answers = [
      { status: 500, body: { __type: 'com.amazon.coral.service#InternalFailure', message: 'oops' } },
      {
        status: 400,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' },
      },
    ];
    await client().send(new TransactWriteItemsDirectCommand({ TransactItems: items }));
    expect(received).toHaveLength(3);
    // the same request each time, its idempotency token included
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
  });

  it('gives up after the client’s attempts, with the last error as the SDK would name it', async () => {
    answers = [500, 500, 500].map((status) => ({ status, body: '<html>bad gateway</html>' }));
    const error = await client(2)
      .send(new TransactWriteItemsDirectCommand({ TransactItems: items }))
      .catch((e: unknown) => e);
    expect(received).toHaveLength(2);
    expect(error).toBeInstanceOf(DynamoDBServiceException);
    expect(error).toMatchObject({ name: 'HTTP500', $fault: 'server', $metadata: { httpStatusCode: 500 } });
  });

  it('does not send a refused request again', async () => {
    answers = [
      {
        status: 400,
        body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'Item size has exceeded' },
      },
    ];
    const error = await client()
      .send(new TransactWriteItemsDirectCommand({ TransactItems: items }))
      .catch((e: unknown) => e);
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: 'Item size has exceeded',
      $fault: 'client',
    });
  });

  it('goes to the endpoint the SDK’s rules give for the region when none is configured', async () => {
    const sent: HttpRequest[] = [];
    const db = new DynamoDBClient({
      region: 'cn-north-1',
      credentials,
      requestHandler: {
        handle: async (request: HttpRequest) => {
          sent.push(request);
          return {
            response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from(['{}']) }),
          };
        },
      },
    });
    await db.send(new TransactWriteItemsDirectCommand({ TransactItems: items }));
    expect(sent[0]).toMatchObject({
      protocol: 'https:',
      hostname: 'dynamodb.cn-north-1.amazonaws.com.cn',
      path: '/',
      method: 'POST',
    });
  });
});
