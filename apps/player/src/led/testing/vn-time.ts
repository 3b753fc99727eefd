/**
 * `HH:MM:SS` in Vietnam at `ms`: board power plans are read in the device's zone (Vietnam unless
 * set), so tests derive a plan's times from now in it.
 */
export function vnTime(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}
