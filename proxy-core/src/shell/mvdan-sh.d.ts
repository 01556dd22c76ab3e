// Minimal typings for the parts of mvdan-sh (a GopherJS build of mvdan.cc/sh/v3/syntax) that the shell parser
// uses; the package ships none. Nodes are Go structs seen through GopherJS wrappers: fields keep their Go names,
// a nil pointer is `null`, and a new wrapper is made on every access (never compare nodes with ===).
// @see https://pkg.go.dev/mvdan.cc/sh/v3/syntax
declare module 'mvdan-sh' {
  /** A position; offsets are UTF-8 byte offsets into the parsed source. */
  export interface ShPos {
    Offset(): number;
    Line(): number;
    Col(): number;
  }

  export interface ShNode {
    Pos(): ShPos;
    End(): ShPos;
  }

  /** What `Parse` throws: `Incomplete` is true when more input could make the source valid. */
  export interface ShParseError {
    Text: string;
    Incomplete: boolean;
    Error(): string;
  }

  export interface ShParser {
    Parse(src: string, name: string): ShNode;
  }

  export interface ShSyntax {
    NewParser(...options: unknown[]): ShParser;
    /** Depth-first, parents before children; `fn` is called with `null` after a node's children. */
    Walk(node: ShNode, fn: (node: ShNode | null) => boolean): void;
    /** The Go type name without package, e.g. `CallExpr`. */
    NodeType(node: ShNode): string;
    DebugPrint(node: ShNode): void;
  }

  const sh: { syntax: ShSyntax };
  export default sh;
}
