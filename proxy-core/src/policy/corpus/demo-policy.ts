/**
 * The demo policy of DESIGN.md (Configuration contract), verbatim, and a helper that runs SQL through the whole
 * path: classify → actions → decide. Shared by the corpus tests.
 */
import { parse } from 'yaml';
import type { Decision, Principal, SqlClassification } from '../policy.types';
import { type CompiledPolicy, compilePolicy, decide } from '../policy-engine';
import { policySchema } from '../policy-schema';
import { sqlActions } from '../sql-actions';
import { classifySql } from '../sql-classifier';

export const DESIGN_POLICY_YAML = `
name: agents-default
rules:                       # first match wins
  - match: { statements: [select, show, explain] }
    action: allow
  - match: { statements: [insert, update, delete, merge, copy_from] }
    action: review
    approvers: { groups: [dba], count: 1 }
    timeout: 10m
  - match: { statements: [drop, truncate, alter, grant, revoke, create_role, alter_system] }
    action: deny
  - match: { unparsed: true }
    action: deny               # fail closed
  - match: { programs: [rm, dd, mkfs, shutdown, reboot] }   # ssh: programs found by parsing the shell command
    action: deny
  - match: { programs: [kubectl, gcloud, aws] }
    action: review
    approvers: { groups: [dba], count: 1 }
  - match: { programs: ["*"] }
    action: allow
  - match: { methods: [DELETE], paths: ["/iam/**"] }           # http
    action: review
    approvers: { groups: [dba], count: 1 }
  - match: { methods: [GET, HEAD] }
    action: allow
masking:
  columns: [customers.email, customers.ssn, payments.card_number]
  detectors: [email, credit_card, us_ssn, iban, phone, aws_access_key, jwt, private_key]
  style: partial               # redact | partial | hash
`;

export const demoPolicy: CompiledPolicy = compilePolicy(policySchema.parse(parse(DESIGN_POLICY_YAML)));

export const agent: Principal = { sub: 'agent-7', groups: ['ai-agents'] };

export function judge(sql: string, policy: CompiledPolicy = demoPolicy): { c: SqlClassification; d: Decision } {
  const c = classifySql(sql);
  return { c, d: decide(policy, { principal: agent }, sqlActions(c), c) };
}

/** Every statement kind and part kind the classification found, in order. */
export function kindsOf(c: SqlClassification): string[] {
  return c.statements.flatMap((s) => s.parts.map((p) => p.kind));
}
