// The console package: the organizer console's Hono app, and the account provisioning that `npm start` and
// `npm run admin` share with it.
export { consoleApp } from './app.tsx';
export type { ConsoleDeps } from './deps.ts';
export { DEFAULT_SCRYPT, hashPassword, type ScryptParams, verifyPassword } from './passwords.ts';
export {
  createAccountWithLink,
  ensureFirstAdmin,
  newAccountLink,
  RESET_LINK_MS,
  SETUP_LINK_MS,
} from './provision.ts';
