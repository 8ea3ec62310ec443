// `npm run admin -- <command>`: console accounts from the command line, for the first admin of a stack and for a
// county admin locked out. Each prints a one-time link (the token is never stored); each change is audited with
// the actor "system". Finds the table as `npm run recount` does; on AWS also set PINGYI_PUBLIC_URL (the ApiUrl).
//
//   first                                   the first county admin's set-up link (only while no admin has a password)
//   create <name> --role <role> [--display-name <姓名>]   a new account and its set-up link
//   reset <name>                            a reset link (the old password works until it is used)
//   list                                    accounts, roles, and whether each has set a password
import { parseArgs } from 'node:util';
import { createAccountWithLink, ensureFirstAdmin, newAccountLink } from '@pingyi/console';
import { ACCOUNT_NAME, listAccounts, ROLES, type Role, requireAccount, SYSTEM_ACTOR } from '@pingyi/data';
import { opsTarget } from './ops-db.ts';

const usage = `用法 usage:
  npm run admin -- first
  npm run admin -- create <name> --role admin|organizer|viewer [--display-name 姓名]
  npm run admin -- reset <name>
  npm run admin -- list`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { role: { type: 'string' }, 'display-name': { type: 'string' } },
});
const [command, name] = positionals;
const { db, publicUrl } = opsTarget();
const linkBase = () => {
  if (!publicUrl) {
    console.error('请设置 PINGYI_PUBLIC_URL（部署输出的 ApiUrl 或自定义域名）/ set PINGYI_PUBLIC_URL');
    process.exit(2);
  }
  return publicUrl;
};
const show = (what: string, link: { url: string; validUntil: Date }) =>
  console.log(
    `${what}\n  一次性链接 one-time link: ${link.url}\n  有效期至 valid until:    ${link.validUntil.toISOString()}`,
  );

switch (command) {
  case 'first': {
    const link = await ensureFirstAdmin(db, new Date(), linkBase());
    if (!link)
      console.log('已有设置了密码的县级管理员：请由其在控制台管理账号 / an admin has already signed in');
    else show(`首位县级管理员 first admin: ${link.name}`, link);
    break;
  }
  case 'create': {
    const role = values.role as Role;
    if (!name || !ACCOUNT_NAME.test(name) || !ROLES.includes(role)) {
      console.error(usage);
      process.exit(2);
    }
    const link = await createAccountWithLink(
      db,
      { name, displayName: values['display-name'] ?? name, role },
      new Date(),
      SYSTEM_ACTOR,
      linkBase(),
    );
    show(`已创建账号 created: ${name} (${role})`, link);
    break;
  }
  case 'reset': {
    if (!name) {
      console.error(usage);
      process.exit(2);
    }
    const account = await requireAccount(db, name);
    const purpose = account.passwordHash ? 'reset' : 'setup';
    show(
      `账号 account ${name}`,
      await newAccountLink(db, name, purpose, new Date(), SYSTEM_ACTOR, linkBase()),
    );
    break;
  }
  case 'list': {
    for (const a of await listAccounts(db)) {
      console.log(
        `${a.name}\t${a.role}\t${a.disabled ? 'disabled' : 'active'}\t${a.passwordHash ? 'password set' : 'awaiting set-up'}\t${a.displayName}`,
      );
    }
    break;
  }
  default:
    console.error(usage);
    process.exit(2);
}
