import { decode, decodeFirst, Token, Tokenizer, Type } from "cborg";

/**
 * cborg's strict decode as the canonical codec uses it, with one difference: a text string
 * keeps a leading U+FEFF. cborg reads text with a default TextDecoder, which drops a leading
 * byte-order mark, so "\uFEFFa" encodes to 64 ef bb bf 61 (valid deterministic CBOR) and
 * decodes to "a"; the canonical check then refused those bytes, and a memo starting with
 * U+FEFF made a transaction that could be signed but never decoded. Here such a string is
 * read again with `ignoreBOM: true`, so every text string's bytes and value round-trip.
 * Nothing else differs (tokens, options and error messages are cborg's): fast-decode.ts reads
 * text the same way.
 */
export const DECODE_OPTS = {
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
} as const;

/** cborg's own defaults merged under ours, as decodeFirst merges them for its tokenizer. */
const TOKENIZER_OPTS = { allowBigInt: true, ...DECODE_OPTS };

/** UTF-8, non-fatal as cborg's (invalid sequences become U+FFFD), but keeping a leading BOM. */
export const utf8KeepingBom = new TextDecoder("utf-8", { ignoreBOM: true });

/** Bytes of a head whose additional information is `ai` (strict decoding has refused ai 28..31 already). */
const headLength = (ai: number): number => (ai < 24 ? 1 : ai === 24 ? 2 : ai === 25 ? 3 : ai === 26 ? 5 : 9);

class BomKeepingTokenizer {
  private readonly inner: InstanceType<typeof Tokenizer>;
  constructor(private readonly data: Uint8Array) {
    this.inner = new Tokenizer(data, TOKENIZER_OPTS);
  }
  done(): boolean {
    return this.inner.done();
  }
  pos(): number {
    return this.inner.pos();
  }
  next(): Token {
    const at = this.inner.pos();
    const token = this.inner.next();
    if (token.type !== Type.string) return token;
    const d = this.data;
    const from = at + headLength(d[at]! & 31);
    const to = at + token.encodedLength!;
    if (to - from < 3 || d[from] !== 0xef || d[from + 1] !== 0xbb || d[from + 2] !== 0xbf) return token;
    // cborg's quick tokens are shared: never change one in place.
    return new Token(Type.string, utf8KeepingBom.decode(d.subarray(from, to)), token.encodedLength);
  }
}

/** A plain Uint8Array over the same memory (cborg reads a Buffer as one, too). */
const plain = (b: Uint8Array): Uint8Array => (b instanceof Buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b);

/** cborg's strict decode of exactly one item, text strings keeping a leading BOM. Throws cborg's errors. */
export function cborgDecode(bytes: Uint8Array): unknown {
  if (!(bytes instanceof Uint8Array)) return decode(bytes, DECODE_OPTS); // cborg's own error
  return decode(bytes, { ...DECODE_OPTS, tokenizer: new BomKeepingTokenizer(plain(bytes)) });
}

/** cborg's strict decodeFirst, text strings keeping a leading BOM: the item and the bytes after it. */
export function cborgDecodeFirst(bytes: Uint8Array): [unknown, Uint8Array] {
  if (!(bytes instanceof Uint8Array)) return decodeFirst(bytes, DECODE_OPTS);
  return decodeFirst(bytes, { ...DECODE_OPTS, tokenizer: new BomKeepingTokenizer(plain(bytes)) });
}
