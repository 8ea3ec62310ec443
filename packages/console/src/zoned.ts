// Times in a campaign's own time zone for the forms (<input type="datetime-local"> has no zone of its own).

/** The zone's offset from UTC at an instant, in minutes (e.g. +480 for Asia/Shanghai). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

const pad = (n: number) => String(n).padStart(2, '0');
const offsetText = (minutes: number) =>
  `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;

/** `2026-12-01T08:00` read in the zone → `2026-12-01T08:00:00+08:00`; undefined when not a valid local time. */
export function fromLocalInput(local: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  const asUtc = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  if (Number.isNaN(asUtc)) return undefined;
  const offset = offsetMinutes(new Date(asUtc - offsetMinutes(new Date(asUtc), timeZone) * 60_000), timeZone);
  return `${local}:00${offsetText(offset)}`;
}

/** An instant as the zone's wall-clock time, for a datetime-local field's value. */
export function toLocalInput(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000);
  return shifted.toISOString().slice(0, 16);
}
