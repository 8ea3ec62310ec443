// The ballot's one write (TransactWriteItems) as a command that sends itself: a signed DynamoDB JSON request built
// from the client's own parts (credentials provider, endpoint rules, HTTP handler and its sockets, retry strategy,
// clock offset) without the per-call middleware stack. Every ballot takes this path: on this machine the
// stack (schema serde, endpoint and auth middleware, request copies) and its garbage cost the API ≈ 0.8 of 2.5 ms
// CPU per ballot (BENCHMARKS.md, issue 15 third pass). It is sent with `client.send` like any command (mocks and
// call counts see it), and its errors are the SDK's own exceptions, so callers cannot tell the difference.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  type DynamoDBClientResolvedConfig,
  DynamoDBServiceException,
  TransactionCanceledException,
  type TransactWriteItemsCommandInput,
  type TransactWriteItemsCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { Command } from '@smithy/core/client';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type {
  AwsCredentialIdentity,
  Handler,
  HttpRequest,
  RetryErrorType,
  StandardRetryToken,
} from '@smithy/types';

type Config = DynamoDBClientResolvedConfig;

interface Sender {
  endpoint: URL;
  region: string;
  /** the SigV4 signing key of the last day and secret it was derived for */
  key?: { day: string; secret: string; value: Buffer };
}

const TARGET = 'DynamoDB_20120810.TransactWriteItems';
const senders = new WeakMap<Config, Promise<Sender>>();

/** The endpoint and region of a client, resolved once: the same rules the SDK applies on every call. */
async function senderOf(config: Config): Promise<Sender> {
  const region = await config.region();
  const custom = config.endpoint ? await config.endpoint() : undefined;
  const endpoint = custom
    ? new URL(`${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ''}${custom.path}`)
    : new URL(
        config.endpointProvider({
          Region: region,
          UseFIPS: await config.useFipsEndpoint(),
          UseDualStack: await config.useDualstackEndpoint(),
        }).url.href,
      );
  // the canonical path of the signature is the path itself only for `/`, which every DynamoDB endpoint has
  if (endpoint.pathname !== '/' || endpoint.search !== '')
    throw new Error(`a DynamoDB endpoint has no path or query: ${endpoint.href}`);
  return { endpoint, region };
}

const hex = (data: string) => createHash('sha256').update(data).digest('hex');

/**
 * The request's headers with its AWS Signature Version 4 (`Authorization`), as `@smithy/signature-v4` signs a
 * request of this shape: POST to `/`, no query, every header signed. Written out for the one request every ballot
 * sends: the SDK's signer copies the request, sorts and escapes generic headers and paths and hashes through
 * promises, which cost the API ≈ 0.15 ms of CPU per ballot (BENCHMARKS.md, issue 15 fourth pass). The signing key
 * is derived once per day and secret, as the SDK caches it. `direct-write.test.ts` checks every signature by signing
 * the request again with the SDK's signer.
 */
function signedHeaders(
  sender: Sender,
  credentials: AwsCredentialIdentity,
  body: string,
  now: Date,
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, ''); // 20261201T081500Z
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${sender.region}/dynamodb/aws4_request`;
  const payloadHash = hex(body);
  // in the signature's order: sorted by name; the payload's hash is sent too, as the SDK's signer sends it
  const headers: Record<string, string> = {
    'content-length': String(Buffer.byteLength(body)),
    'content-type': 'application/x-amz-json-1.0',
    host: sender.endpoint.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken.trim() } : {}),
    'x-amz-target': TARGET,
  };
  const names = Object.keys(headers);
  const canonical = ['POST', '/', '', ...names.map((name) => `${name}:${headers[name]}`), '']
    .concat(names.join(';'), payloadHash)
    .join('\n');
  let key = sender.key;
  if (key?.day !== day || key.secret !== credentials.secretAccessKey) {
    let value = createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(day).digest();
    for (const part of [sender.region, 'dynamodb', 'aws4_request'])
      value = createHmac('sha256', value).update(part).digest();
    key = { day, secret: credentials.secretAccessKey, value };
    sender.key = key;
  }
  const signature = createHmac('sha256', key.value)
    .update(`AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hex(canonical)}`)
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}

const text = new TextDecoder();

/** DynamoDB's JSON error as the SDK would throw it: its TransactionCanceledException, or its base exception. */
function errorOf(
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
): DynamoDBServiceException {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // a proxy's or load balancer's page: the status says enough
  }
  const type = String(parsed.__type ?? headers['x-amzn-errortype'] ?? `HTTP${status}`);
  const name = type.slice(type.lastIndexOf('#') + 1).split(':')[0] ?? type;
  const message = String(parsed.message ?? parsed.Message ?? `DynamoDB answered ${status}`);
  const $metadata = { httpStatusCode: status, requestId: headers['x-amzn-requestid'] };
  if (name === 'TransactionCanceledException') {
    return new TransactionCanceledException({
      message,
      $metadata,
      CancellationReasons: parsed.CancellationReasons as TransactionCanceledException['CancellationReasons'],
    });
  }
  return new DynamoDBServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    message,
    $metadata,
  });
}

/** As the SDK's retry middleware classifies an error for its retry strategy. */
function retryType(error: Error): RetryErrorType {
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(sdkError)) return 'THROTTLING';
  if (isTransientError(sdkError)) return 'TRANSIENT';
  if (isServerError(sdkError)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/** Skew at which an error is worth sending again once the clock is corrected (the SDK's own threshold). */
const SKEW_WORTH_A_RETRY_MS = 240_000;

/**
 * As the SDK's signer does after every answer (its `getUpdatedSystemClockOffset`, which @aws-sdk/core declares but
 * does not export at run time): the server's clock (its Date header) corrects the client's clock offset, which every
 * later signature of the client uses (its other commands' too). An error answered with a corrected skew is marked
 * so, and the retry strategy sends it again (a signature expired under a wrong clock).
 */
function sampleServerClock(
  config: Config,
  headers: Record<string, string | undefined>,
  sentAt: number,
  error?: DynamoDBServiceException,
): void {
  const serverTime = Date.parse(headers.date ?? '');
  const receivedAt = Date.now();
  // a cached answer (Age) or one that took longer than a signature lives says nothing about the clock
  if (Number.isNaN(serverTime) || headers.age !== undefined || receivedAt - sentAt > 900_000) return;
  const before = config.systemClockOffset;
  const offset = serverTime - receivedAt;
  config.systemClockOffset = offset;
  if (error && Math.abs(offset) >= SKEW_WORTH_A_RETRY_MS && offset !== before)
    (error.$metadata as { clockSkewCorrected?: boolean }).clockSkewCorrected = true;
}

async function sendOnce(config: Config, sender: Sender, body: string): Promise<void> {
  const { endpoint } = sender;
  const credentials = await config.credentials();
  const sentAt = Date.now();
  const headers = signedHeaders(
    sender,
    credentials,
    body,
    new Date(sentAt + (config.systemClockOffset ?? 0)),
  );
  const request = {
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: '/',
    query: {},
    headers,
    body,
  } satisfies HttpRequest;
  const { response } = await config.requestHandler.handle(request);
  if (response.statusCode === 200) {
    sampleServerClock(config, response.headers, sentAt);
    // the answer of a write that asked for nothing back: read to its end (the socket goes back to the pool then),
    // not collected (the stream collector's pipe cost ≈ 0.04 ms per ballot)
    const stream = response.body as Readable | undefined;
    // a body cut off after the 200 changes nothing (the write is done), and must not be an unhandled 'error'
    if (typeof stream?.resume === 'function') stream.on('error', () => {}).resume();
    else await config.streamCollector(response.body);
    return;
  }
  const bytes = await config.streamCollector(response.body);
  const error = errorOf(response.statusCode, response.headers, text.decode(bytes));
  sampleServerClock(config, response.headers, sentAt, error);
  throw error;
}

/**
 * Sends one TransactWriteItems (items already in DynamoDB's attribute-value form, as the wire carries them) and
 * retries it as the client's own retry strategy says (same attempts, back-off and retry quota as its other calls).
 */
async function transactWrite(config: Config, input: TransactWriteItemsCommandInput): Promise<void> {
  let sender = senders.get(config);
  if (!sender) {
    sender = senderOf(config);
    senders.set(config, sender);
    sender.catch(() => senders.delete(config)); // a failed resolution is tried again by the next write
  }
  const resolved = await sender;
  // as the SDK does: one idempotency token for every attempt, so an attempt whose answer was lost and that is sent
  // again is told it succeeded (within DynamoDB's ten minutes) instead of finding its own ballot
  const body = JSON.stringify({ ClientRequestToken: input.ClientRequestToken ?? randomUUID(), ...input });
  const strategy = await config.retryStrategy();
  if (!('acquireInitialRetryToken' in strategy))
    throw new Error('a retry strategy of the SDK v3 kind is expected');
  let token = (await strategy.acquireInitialRetryToken('')) as StandardRetryToken;
  for (;;) {
    try {
      await sendOnce(config, resolved, body);
      strategy.recordSuccess(token);
      return;
    } catch (raw) {
      const error = raw instanceof Error ? raw : new Error(String(raw));
      try {
        token = (await strategy.refreshRetryTokenForRetry(token, {
          error: error as never,
          errorType: retryType(error),
        })) as StandardRetryToken;
      } catch {
        throw error; // out of attempts, or not an error worth another one
      }
      const delay = token.getRetryDelay();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * TransactWriteItems with marshalled items, sent by `client.send` (a document client's too) without the client's
 * middleware: no marshalling, no logging or user-agent middleware, no schema serde. Its output carries no fields.
 */
export class TransactWriteItemsDirectCommand extends Command<
  TransactWriteItemsCommandInput,
  TransactWriteItemsCommandOutput,
  Config
> {
  constructor(readonly input: TransactWriteItemsCommandInput) {
    super();
  }

  resolveMiddleware(
    _stack: unknown,
    config: Config,
  ): Handler<TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput> {
    // the client may cache this handler for the class, so it reads the command it is given, never `this`
    return async ({ input }) => {
      await transactWrite(config, input);
      return { output: { $metadata: {} }, response: undefined };
    };
  }
}
