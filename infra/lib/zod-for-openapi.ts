// What @hono/zod-openapi gets for its `import { z } from 'zod'` in a Lambda bundle (function-bundle.ts says why): the
// class that extendZodWithOpenApi patches, which is all it uses. Its re-exported `z` is this object: import zod itself.
import { ZodType } from 'zod';

export const z = { ZodType };
