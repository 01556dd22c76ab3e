/** Reading values out of libpg-query's JSON parse tree: names, string lists, DefElem options, literals. */

type Obj = Record<string, unknown>;

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const s = (v as Obj | undefined)?.String as Obj | undefined;
  return typeof s?.sval === 'string' ? s.sval : undefined;
}

export function stringList(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v) {
    const s = str(item);
    if (s !== undefined) out.push(s);
  }
  return out;
}

export function defElems(v: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (Array.isArray(v))
    for (const o of v) {
      const d = (o as Obj).DefElem as Obj | undefined;
      if (typeof d?.defname === 'string') out.set(d.defname, d.arg);
    }
  return out;
}

/** A string literal, a cast of one, or literals joined with `||`; null when the value is computed. */
export function constantString(node: unknown): string | null {
  const n = (node ?? {}) as Obj;
  if (n.A_Const !== undefined) {
    const v = constantValue(node);
    return typeof v === 'string' ? v : null;
  }
  if (n.TypeCast !== undefined) return constantString((n.TypeCast as Obj).arg);
  const e = n.A_Expr as Obj | undefined;
  if (e !== undefined && e.kind === 'AEXPR_OP' && stringList(e.name).join('.') === '||') {
    const l = constantString(e.lexpr);
    const r = constantString(e.rexpr);
    return l !== null && r !== null ? l + r : null;
  }
  return null;
}

export function constantValue(node: unknown): string | number | boolean | undefined {
  const n = (node ?? {}) as Obj;
  const c = (n.A_Const ?? n) as Obj;
  // A_Const holds its String unwrapped (`{ sval: { sval: 'x' } }`); an empty string is `{ sval: {} }`.
  if (n.A_Const !== undefined && c.sval !== undefined) return str((c.sval as Obj).sval) ?? '';
  const s = str(n);
  if (s !== undefined) return s;
  const i = (c.ival ?? n.Integer) as Obj | undefined;
  if (i !== undefined) return typeof i.ival === 'number' ? i.ival : 0;
  const b = (c.boolval ?? n.Boolean) as Obj | undefined;
  if (b !== undefined) return b.boolval === true;
  return undefined;
}
