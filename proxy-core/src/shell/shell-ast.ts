/**
 * Typed views of the mvdan-sh syntax nodes the analysis reads, and the operator codes it needs. Only fields used
 * here are declared; everything else is reached through `syntax.Walk`.
 * @see https://pkg.go.dev/mvdan.cc/sh/v3/syntax
 */
import sh, { type ShNode, type ShParseError } from 'mvdan-sh';

export const { syntax } = sh;

export interface FileNode extends ShNode {
  Stmts: StmtNode[];
}

export interface StmtNode extends ShNode {
  /** null for a statement made only of redirections (`> file`). */
  Cmd: ShNode | null;
  Redirs: RedirectNode[];
}

export interface CallExprNode extends ShNode {
  Assigns: AssignNode[];
  Args: WordNode[];
}

export interface BinaryCmdNode extends ShNode {
  Op: number;
  X: StmtNode;
  Y: StmtNode;
}

export interface AssignNode extends ShNode {
  Name: LitNode | null;
  Value: WordNode | null;
}

export interface WordNode extends ShNode {
  Parts: ShNode[];
}

export interface LitNode extends ShNode {
  Value: string;
}

export interface SglQuotedNode extends ShNode {
  Value: string;
  /** `$'…'` (ANSI-C quoting). */
  Dollar: boolean;
}

export interface DblQuotedNode extends ShNode {
  Parts: ShNode[];
}

export interface RedirectNode extends ShNode {
  Op: number;
  /** The file descriptor written before the operator (`2>`), or null. */
  N: LitNode | null;
  Word: WordNode | null;
  /** Here-document body, for `<<` and `<<-`. */
  Hdoc: WordNode | null;
}

/** BinCmdOperator values (syntax/tokens.go). */
export const BinCmdOp = { and: 10, or: 11, pipe: 12, pipeAll: 13 } as const;

/** RedirOperator values (syntax/tokens.go). */
export const RedirOp = {
  /** `<` */
  in: 56,
  /** `<>` */
  inOut: 57,
  /** `<&` */
  dupIn: 58,
  /** `<<` */
  hdoc: 61,
  /** `<<-` */
  dashHdoc: 62,
  /** `<<<` */
  wordHdoc: 63,
} as const;

export function nodeType(node: ShNode): string {
  return syntax.NodeType(node);
}

export function isParseError(err: unknown): err is ShParseError {
  return (
    typeof err === 'object' && err !== null && typeof (err as ShParseError).Error === 'function' && 'Incomplete' in err
  );
}

/** A key for a statement that stays the same across GopherJS wrappers (which are new objects on each access). */
export function spanKey(node: ShNode): string {
  return `${node.Pos().Offset()}:${node.End().Offset()}`;
}
