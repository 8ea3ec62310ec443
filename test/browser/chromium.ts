// Which Chromium the browser tests, screenshots and samples drive, and which fonts it may draw with (ADR 0003).
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { extract } from 'tar-fs';

const require = createRequire(import.meta.url);
/** The folder of an installed package, found from its entry point (some packages export no package.json). */
function packageDir(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name) return dir;
  }
  throw new Error(`cannot find the folder of ${name}`);
}

/** A system browser, chosen on purpose: `PINGYI_CHROMIUM=/usr/bin/chromium npm test`. */
export const CHROMIUM_ENV = 'PINGYI_CHROMIUM';

export interface ChromiumSetup {
  executablePath: string;
  /** Where it came from, for a log line: the npm package and its version, or the environment variable. */
  source: string;
  /** The environment the browser process runs with: our fonts only, and the bundled libraries it links. */
  env: Record<string, string>;
}

/**
 * The pinned Chromium of `@sparticuz/chromium` (Linux x64), unpacked once per version under
 * node_modules/.cache, or the browser named by PINGYI_CHROMIUM. Never a browser found lying around.
 */
export async function chromiumSetup(): Promise<ChromiumSetup> {
  const fonts = await fontConfigFile();
  const chosen = process.env[CHROMIUM_ENV];
  if (chosen) {
    try {
      accessSync(chosen, constants.X_OK);
    } catch {
      throw new Error(`${CHROMIUM_ENV}=${chosen} is not an executable file`);
    }
    return { executablePath: chosen, source: CHROMIUM_ENV, env: { ...processEnv(), FONTCONFIG_FILE: fonts } };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `@sparticuz/chromium ships a Chromium for Linux x64 only, not for ${process.platform}-${process.arch}. ` +
        `Name a Chromium or Chrome of your own: ${CHROMIUM_ENV}=/path/to/chromium npm test (ADR 0003).`,
    );
  }
  const root = packageDir('@sparticuz/chromium');
  const bin = join(root, 'bin');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const dir = await unpackedOnce(join(cacheRoot(), `sparticuz-${version}-${process.arch}`), async (into) => {
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress({ chunkSize: 2 ** 21 }),
      createWriteStream(join(into, 'chromium'), { mode: 0o755 }),
    );
    // NSS, NSPR and expat built for Amazon Linux 2023 (glibc 2.34): the only shared libraries the binary links
    // beyond glibc, so it starts on a machine that has none of them.
    await pipeline(createReadStream(join(bin, 'al2023.tar.br')), createBrotliDecompress(), extract(into));
  });
  return {
    executablePath: join(dir, 'chromium'),
    source: `@sparticuz/chromium ${version}`,
    env: { ...processEnv(), FONTCONFIG_FILE: fonts, LD_LIBRARY_PATH: join(dir, 'lib') },
  };
}

/**
 * A fontconfig file that knows only Noto Sans SC (regular and bold, from `@expo-google-fonts/noto-sans-sc`) and
 * maps every generic family to it. Chromium reads no system font then: what a page measures and what a
 * screenshot shows is the same on every machine, and Chinese never renders as boxes. Set it as FONTCONFIG_FILE
 * of any other renderer (LibreOffice) for the same effect.
 */
export async function fontConfigFile(): Promise<string> {
  const fonts = packageDir('@expo-google-fonts/noto-sans-sc');
  const dir = join(cacheRoot(), 'fonts');
  mkdirSync(dir, { recursive: true });
  const generic = ['sans-serif', 'serif', 'monospace', 'system-ui', 'Noto Sans CJK SC'];
  const file = join(dir, 'fonts.conf');
  const text = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${join(fonts, '400Regular')}</dir>`,
    `  <dir>${join(fonts, '700Bold')}</dir>`,
    `  <cachedir>${join(dir, 'cache')}</cachedir>`,
    ...generic.map(
      (family) =>
        `  <alias binding="same"><family>${family}</family><prefer><family>Noto Sans SC</family></prefer></alias>`,
    ),
    '</fontconfig>',
    '',
  ].join('\n');
  // written beside, then renamed: a browser starting in another process never reads half a file
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, text);
  renameSync(partial, file);
  return file;
}

/** node_modules/.cache/pingyi-browser: goes away with node_modules, shared by every test process of this clone. */
function cacheRoot() {
  return join(dirname(packageDir('playwright-core')), '.cache', 'pingyi-browser');
}

/** Fills `dir` with `fill` exactly once, even when several processes start at the same moment. */
async function unpackedOnce(dir: string, fill: (into: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const partial = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  mkdirSync(partial);
  try {
    await fill(partial);
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // another process finished first: its copy is as good as ours
    if (!existsSync(dir)) throw error;
  }
  return dir;
}

const processEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
