/**
 * `npm run bench`: every benchmark in one run, on this machine, each printed with the baseline it is
 * compared against in the same run. Pass names to run a subset: `npm run bench -- codec masking`.
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Optional: the ratio against a baseline measured in the same run, and what it is against. */
  ratio?: number;
  against?: string;
  target?: string;
}

type Suite = { name: string; run: () => Promise<BenchResult[]> };

const SUITES: Suite[] = [
  {
    name: 'codec',
    run: async () => (await import('../proxy-core/src/protocols/postgres/codec/codec.bench')).benchCodec(),
  },
  {
    name: 'recording',
    run: async () => {
      const { createZstdCompressor, nodeSha256 } = await import('../proxy-core/src/recording');
      const { benchWriter } = await import('../recordings/bench/writer.bench');
      return benchWriter({ compressor: createZstdCompressor(), compressorName: 'zstd 3', sha256: nodeSha256 });
    },
  },
  { name: 'store', run: async () => (await import('../proxy-core/src/store/store.bench')).benchStore() },
  {
    name: 'classifier',
    run: async () => (await import('../proxy-core/src/policy/classifier.bench')).benchClassifier(),
  },
  { name: 'masking', run: async () => (await import('../proxy-core/src/masking/masking.bench')).benchMasking() },
  { name: 'replay', run: async () => (await import('./replay.bench')).benchReplay() },
  { name: 'approval-card', run: async () => (await import('./approval-card.bench')).benchApprovalCard() },
  { name: 'gateway', run: async () => (await import('./gateway.bench')).benchGateway() },
  { name: 'protocols', run: async () => (await import('./protocols.bench')).benchProtocols() },
  {
    name: 'evidence',
    run: async () => (await import('../proxy-core/src/evidence/evidence-packet.bench')).benchEvidencePacket(),
  },
];

const wanted = process.argv.slice(2);
const rows: Array<BenchResult & { suite: string }> = [];
for (const suite of SUITES) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  process.stderr.write(`running ${suite.name}…\n`);
  try {
    for (const r of await suite.run()) rows.push({ suite: suite.name, ...r });
  } catch (err) {
    process.stderr.write(`  ${suite.name} failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  }
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
console.log('\n| suite | measurement | value | ratio | target |\n|---|---|---:|---:|---|');
for (const r of rows) {
  const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.against ?? ''}`;
  console.log(`| ${r.suite} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${ratio} | ${r.target ?? ''} |`);
}
