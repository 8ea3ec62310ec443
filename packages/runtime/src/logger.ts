// Structured JSON logs. Callers pass counts and ids only: never a code, a token or a ballot's answers.
type Level = 'debug' | 'info' | 'warn' | 'error';

const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
/** Read on each line (a lookup, no parse), so a test or an operator's shell can change it for a while. */
const threshold = () =>
  order[(process.env.PINGYI_LOG_LEVEL as Level | 'silent' | undefined) ?? 'info'] ?? order.info;

function write(level: Level, message: string, context?: Record<string, unknown>): void {
  if (order[level] < threshold()) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...context });
  if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export const logger = {
  debug: (message: string, context?: Record<string, unknown>) => write('debug', message, context),
  info: (message: string, context?: Record<string, unknown>) => write('info', message, context),
  warn: (message: string, context?: Record<string, unknown>) => write('warn', message, context),
  error: (message: string, context?: Record<string, unknown>) => write('error', message, context),
};
