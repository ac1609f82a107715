// The answer streamed so far, held as UTF-8 bytes outside the JavaScript heap.
// A server holds one per open stream until the answer is stored, and a long
// answer is tens of kilobytes: as strings, that is heap every garbage
// collection walks, and one string header per delta on top. Off-heap it is one
// buffer that grows by half again (on average under a fifth of it unused,
// against 28% when doubling), read back into a string once, at the end.

const INITIAL_BYTES = 1024;
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

export class AnswerText {
  private bytes: Buffer | null = null;
  private used = 0;
  // A character split between two deltas (a surrogate pair's first half ends
  // one delta) waits for its second half, so it is stored whole, as joining
  // the strings would have made it.
  private pendingHighSurrogate = "";

  get isEmpty(): boolean {
    return this.used === 0 && this.pendingHighSurrogate === "";
  }

  append(delta: string): void {
    let text = this.pendingHighSurrogate + delta;
    this.pendingHighSurrogate = "";
    if (text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      this.pendingHighSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text.length === 0) return;
    // Three bytes per UTF-16 unit is UTF-8's most, so the write cannot fall short,
    // without measuring the text first (Buffer.byteLength showed in the profile).
    const room = this.used + text.length * 3;
    if (!this.bytes || room > this.bytes.length) this.grow(room);
    this.used += this.bytes!.write(text, this.used, "utf8");
  }

  /** The whole answer; an unpaired surrogate becomes U+FFFD, as it would in the database. */
  toString(): string {
    const text = this.bytes ? this.bytes.toString("utf8", 0, this.used) : "";
    return this.pendingHighSurrogate ? `${text}\uFFFD` : text;
  }

  private grow(atLeast: number): void {
    let size = this.bytes?.length || INITIAL_BYTES;
    while (size < atLeast) size = Math.ceil(size * 1.5);
    // Not from Node's shared pool: a pooled slice would keep a whole 8 KB slab alive.
    const next = Buffer.allocUnsafeSlow(size);
    this.bytes?.copy(next, 0, 0, this.used);
    this.bytes = next;
  }
}
