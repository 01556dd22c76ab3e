import { configSchema, type VigilConfig } from '../config/config';
import { demoConfig } from '../demo/demo-config';
import { classifySql, compilePolicy, decide, formatPolicyTest, initSqlClassifier, sqlActions } from '../policy';
import { type CliIo, UsageError } from './cli-io';
import { parse, resolveState, STATE_OPTIONS } from './state-options';

/**
 * `vigil policy test --connection C --principal P [--groups g1,g2] [--step-mode] "SQL"`: what the
 * gateway would decide, statement by statement, with the rule that decides. `--demo` uses the demo policy.
 * Exit status: 0 allow, 3 review, 4 deny (so scripts and CI can assert on it).
 */
export async function policyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'test') throw new UsageError('usage: vigil policy test --connection C --principal P [--groups g] "SQL"');
  const { values, positionals } = parse(rest, {
    ...STATE_OPTIONS,
    connection: { type: 'string' },
    principal: { type: 'string' },
    groups: { type: 'string' },
    'step-mode': { type: 'boolean' },
    demo: { type: 'boolean' },
  });
  const sql = positionals.join(' ');
  if (!sql) throw new UsageError('give the SQL to test as an argument');
  const config = values.demo
    ? configSchema.parse(
        demoConfig({ dataDir: '.', api: '127.0.0.1:7480', postgres: '127.0.0.1:15432', upstreamPort: 5432 }),
      )
    : requireConfig(values, io);
  const connectionName = values.connection ?? (values.demo ? 'demo' : undefined);
  const connection = config.connections.find((c) => c.name === connectionName);
  if (!connection)
    throw new UsageError(
      `no connection "${connectionName ?? ''}" (known: ${config.connections.map((c) => c.name).join(', ') || 'none'})`,
    );
  const policyConfig = config.policies.find((p) => p.name === connection.policy);
  if (!policyConfig)
    throw new UsageError(`connection "${connection.name}" names a missing policy "${connection.policy}"`);
  await initSqlClassifier();
  const classification = classifySql(sql);
  const decision = decide(
    compilePolicy(policyConfig),
    {
      principal: { sub: values.principal ?? 'anonymous', groups: (values.groups ?? '').split(',').filter(Boolean) },
      stepMode: values['step-mode'] ?? false,
    },
    sqlActions(classification),
    classification,
  );
  io.out(`connection ${connection.name}, policy ${policyConfig.name}, principal ${values.principal ?? 'anonymous'}\n`);
  io.out(formatPolicyTest(sql, classification, decision));
  return decision.outcome === 'allow' ? 0 : decision.outcome === 'review' ? 3 : 4;
}

function requireConfig(
  values: { config?: string | undefined; 'data-dir'?: string | undefined },
  io: CliIo,
): VigilConfig {
  const { config } = resolveState(values, io);
  if (!config)
    throw new UsageError('policy test needs the policies: pass --config vigil.yaml (or --demo for the demo policy)');
  return config;
}
