// Handing requests to an app that is imported on its first request (the full app, the console), so that what it
// needs stays out of the api function's cold start.
import type { Context } from 'hono';

/** A Hono app, as far as handing it a request goes. */
interface Fetchable {
  fetch(request: Request, env?: object): Response | Promise<Response>;
}

/**
 * A handler that loads the app on the first request (the promise is kept, so concurrent requests share one load)
 * and hands it each request whole, with the request's environment. A failed load is tried again by the next request.
 */
export function toLazyApp(load: () => Promise<Fetchable>) {
  let app: Promise<Fetchable> | undefined;
  return async (c: Context) => {
    app ??= load().catch((error: unknown) => {
      app = undefined;
      throw error;
    });
    return (await app).fetch(c.req.raw, c.env);
  };
}
