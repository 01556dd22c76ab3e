/**
 * A model of the line an interactive shell is editing, from the keys the agent sends, so the gateway can judge
 * the line when Enter is pressed. It follows readline's default (emacs) bindings for plain typing and simple
 * editing: insert, Backspace, Ctrl-U, Ctrl-W, Ctrl-K, Ctrl-A/E/B/F, Delete, arrows left/right, Home/End.
 * Keys whose effect depends on state the gateway cannot see (Tab completion, history Up/Down/Ctrl-R/P/N, yank,
 * Alt- commands, bracketed paste, other escape sequences) make the line `uncertain`: it can no longer be known
 * what Enter would run. Pure: keys in, the line out.
 * @see https://tiswww.case.edu/php/chet/readline/rluserman.html#Bindable-Readline-Commands
 */

/** The line when Enter is pressed; `uncertain` says why it may differ from the line the shell holds. */
export interface EnteredLine {
  line: string;
  uncertain: string | undefined;
  /** Characters after the cursor when Enter was pressed (readline runs the whole line anyway). */
  afterCursor: number;
}

const ESC = '\x1b';
/** Longer lines are not followed (the keys still reach the shell): such a line is uncertain. */
const MAX_LINE_CHARS = 64 * 1024;

/** Control keys that change the line in a way the model follows, or that it can ignore. */
const CONTROL: Readonly<Record<string, (e: LineEditor) => void>> = {
  '\x01': (e) => e.home(),
  '\x02': (e) => e.move(-1),
  '\x05': (e) => e.end(),
  '\x06': (e) => e.move(1),
  '\x08': (e) => e.backspace(),
  '\x7f': (e) => e.backspace(),
  '\x0b': (e) => e.killToEnd(),
  '\x15': (e) => e.killToStart(),
  '\x17': (e) => e.killWordBack(),
  // Ctrl-L redraws, Ctrl-Z / Ctrl-\ signal the foreground job, Ctrl-G aborts nothing at the prompt.
  '\x0c': () => {},
  '\x1a': () => {},
  '\x1c': () => {},
  '\x07': () => {},
};

/** What a few control keys do, for the reason given to the agent. */
const UNCERTAIN_KEYS: Readonly<Record<string, string>> = {
  '\t': 'Tab completion',
  '\x12': 'history search (Ctrl-R)',
  '\x13': 'history search (Ctrl-S)',
  '\x10': 'history recall (Ctrl-P)',
  '\x0e': 'history recall (Ctrl-N)',
  '\x19': 'yank (Ctrl-Y)',
  '\x14': 'transpose (Ctrl-T)',
  '\x1f': 'undo (Ctrl-_)',
  '\x16': 'quoted insert (Ctrl-V)',
  '\x0f': 'operate-and-get-next (Ctrl-O)',
  '\x18': 'a Ctrl-X command',
};

/** CSI / SS3 final bytes the model follows (cursor movement and Delete). */
const CURSOR_KEYS: Readonly<Record<string, (e: LineEditor) => void>> = {
  D: (e) => e.move(-1),
  C: (e) => e.move(1),
  H: (e) => e.home(),
  F: (e) => e.end(),
  '1~': (e) => e.home(),
  '7~': (e) => e.home(),
  '4~': (e) => e.end(),
  '8~': (e) => e.end(),
  '3~': (e) => e.deleteAt(),
};

export class LineEditor {
  private chars: string[] = [];
  private cursor = 0;
  private uncertain: string | undefined;
  /** An escape sequence split across chunks. */
  private pendingEscape = '';

  /** Feeds decoded keys, without Enter (the caller splits input at CR / LF, which never occur inside UTF-8). */
  feed(keys: string): void {
    const all = this.pendingEscape + keys;
    this.pendingEscape = '';
    let i = 0;
    while (i < all.length) {
      const c = all[i] as string;
      if (c === ESC) {
        const len = escapeLength(all, i);
        if (len === 0) {
          this.pendingEscape = all.slice(i);
          return;
        }
        this.escape(all.slice(i, i + len));
        i += len;
        continue;
      }
      this.key(c);
      i++;
    }
  }

  /** Enter: the line as modelled, and a fresh line after it. */
  enter(): EnteredLine {
    const entered = {
      line: this.text,
      uncertain: this.uncertain ?? (this.pendingEscape ? 'an unfinished key sequence' : undefined),
      afterCursor: this.chars.length - this.cursor,
    };
    this.clear();
    return entered;
  }

  get text(): string {
    return this.chars.join('');
  }

  /** Forget the line (after it was judged and sent, refused, or cleared). */
  clear(): void {
    this.chars = [];
    this.cursor = 0;
    this.uncertain = undefined;
    this.pendingEscape = '';
  }

  private key(c: string): void {
    if (c === '\x03') {
      // Ctrl-C: readline drops the line.
      this.clear();
      return;
    }
    if (c === '\x04') {
      this.deleteAt();
      return;
    }
    const control = CONTROL[c];
    if (control) {
      control(this);
      return;
    }
    const code = c.charCodeAt(0);
    if (code < 0x20 || (code >= 0x80 && code < 0xa0)) {
      this.uncertain ??= UNCERTAIN_KEYS[c] ?? `control key 0x${code.toString(16).padStart(2, '0')}`;
      return;
    }
    if (this.chars.length >= MAX_LINE_CHARS) {
      this.uncertain ??= 'a line longer than the gateway follows';
      return;
    }
    this.chars.splice(this.cursor, 0, c);
    this.cursor++;
  }

  private escape(seq: string): void {
    const body = seq[1] === '[' || seq[1] === 'O' ? seq.slice(2) : undefined;
    const action = body === undefined ? undefined : CURSOR_KEYS[body];
    if (action) {
      action(this);
      return;
    }
    if (body === 'A' || body === 'B') this.uncertain ??= 'history recall (arrow keys)';
    else if (body === '200~') this.uncertain ??= 'a bracketed paste';
    else
      this.uncertain ??=
        body === undefined ? `an Alt- key (${JSON.stringify(seq)})` : `the key sequence ${JSON.stringify(seq)}`;
  }

  home(): void {
    this.cursor = 0;
  }

  end(): void {
    this.cursor = this.chars.length;
  }

  move(by: number): void {
    this.cursor = Math.max(0, Math.min(this.chars.length, this.cursor + by));
  }

  backspace(): void {
    if (this.cursor === 0) return;
    this.chars.splice(this.cursor - 1, 1);
    this.cursor--;
  }

  deleteAt(): void {
    if (this.cursor < this.chars.length) this.chars.splice(this.cursor, 1);
  }

  killToEnd(): void {
    this.chars.length = this.cursor;
  }

  killToStart(): void {
    this.chars.splice(0, this.cursor);
    this.cursor = 0;
  }

  /** unix-word-rubout: back over whitespace, then over non-whitespace. */
  killWordBack(): void {
    let start = this.cursor;
    while (start > 0 && /\s/.test(this.chars[start - 1] as string)) start--;
    while (start > 0 && !/\s/.test(this.chars[start - 1] as string)) start--;
    this.chars.splice(start, this.cursor - start);
    this.cursor = start;
  }
}

/**
 * Length of the escape sequence at `i` (ESC [ params final, ESC O x, ESC x), or 0 if `keys` ends inside it.
 * @see ECMA-48 §5.4 (control sequences)
 */
function escapeLength(keys: string, i: number): number {
  const second = keys[i + 1];
  if (second === undefined) return 0;
  if (second === 'O') return keys[i + 2] === undefined ? 0 : 3;
  if (second !== '[') return 2;
  for (let j = i + 2; j < keys.length; j++) {
    const code = keys.charCodeAt(j);
    if (code >= 0x40 && code <= 0x7e) return j - i + 1;
    if (j - i > 32) return j - i + 1; // not a key: stop looking
  }
  return 0;
}
