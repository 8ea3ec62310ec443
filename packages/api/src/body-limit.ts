// The request body limit of every route that takes a body: hono's bodyLimit, without its cost for a declared length.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

type Options = Parameters<typeof bodyLimit>[0] & {
  onError: NonNullable<Parameters<typeof bodyLimit>[0]['onError']>;
};

/**
 * hono's bodyLimit asks `c.req.raw.body` first, and on the Node.js server that turns the request into a web
 * `Request` whose body is a web stream of the socket (about 0.3 ms of CPU per ballot, `npm run profile`), although
 * a request with a Content-Length needs only that header. Such a request is decided by the header here, as hono
 * decides it, and its body is then read straight from the socket (or from the Lambda event) by the route; a body
 * without a declared length (chunked) goes through hono's bodyLimit, which counts it as it arrives.
 */
export function limitBody(options: Options): MiddlewareHandler {
  const counted = bodyLimit(options);
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    return Number.parseInt(length, 10) > options.maxSize ? options.onError(c) : next();
  };
}
