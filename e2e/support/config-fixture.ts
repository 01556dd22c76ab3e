import { type GatewayE2E, useGatewayE2E } from './fixture';
import { type ConfiguredVigil, type ConfiguredVigilOptions, startConfiguredVigil } from './vigil-config-server';

/** The IDE is signed in through the development issuer's one-click page (config mode offers it as --demo does). */
export type ConfiguredE2E = GatewayE2E<ConfiguredVigil>;

/**
 * One gateway started from a vigil.yaml (`auth.issuer: dev`) and one signed-in Chromium per test file. `setup`
 * starts the test's own peers (a target, an upstream) first and says how the gateway reaches them; `teardown`
 * stops them after the gateway.
 */
export function useConfiguredE2E(
  setup: () => Promise<ConfiguredVigilOptions>,
  teardown: () => Promise<void> = async () => {},
): ConfiguredE2E {
  return useGatewayE2E(async () => startConfiguredVigil(await setup()), teardown);
}
