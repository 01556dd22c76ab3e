/**
 * The demo seed's PII (proxy-core's demo database): none of these raw values may reach the IDE, whether in a
 * result grid, a frame inspector, a tooltip or an attribute.
 */
export const RAW_PII = [
  'ada@example.com',
  'grace.hopper@example.org',
  '4111 1111 1111 1111',
  '5555 5555 5555 4444',
  '3782 822463 10005',
  '123-45-6789',
  '219-09-9999',
  '+44 20 7946 0958',
  '+1 212 555 0100',
  'GB82WEST12345698765432',
  'DE89370400440532013000',
] as const;

/** The raw PII values found in a text (an HTML page, an API answer). */
export function rawPiiIn(text: string): string[] {
  return RAW_PII.filter((value) => text.includes(value));
}
