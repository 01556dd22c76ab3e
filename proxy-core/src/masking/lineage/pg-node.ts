/** Typed access to libpg-query's JSON parse tree, where every node is `{ Kind: fields }`. */
import type { Node } from 'libpg-query';

export type NodeKey = Node extends infer U ? (U extends unknown ? keyof U : never) : never;
export type NodeOf<K extends NodeKey> = Extract<Node, Record<K, unknown>>[K];

export function nodeAs<K extends NodeKey>(node: unknown, kind: K): NodeOf<K> | undefined {
  if (typeof node !== 'object' || node === null || !(kind in node)) return undefined;
  return (node as Record<K, NodeOf<K>>)[kind];
}

/** The node's kind: its single key. */
export function kindOf(node: unknown): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  for (const key in node) return key;
  return undefined;
}

export function stringOf(node: unknown): string | undefined {
  return nodeAs(node, 'String')?.sval;
}

/** The `String` values of a name list (`funcname`, `colnames`, `ColumnRef.fields` up to a `*`). */
export function stringsOf(nodes: readonly Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) {
    const s = stringOf(n);
    if (s !== undefined) out.push(s);
  }
  return out;
}

export function isStar(node: unknown): boolean {
  return nodeAs(node, 'A_Star') !== undefined;
}
