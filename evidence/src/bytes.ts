/**
 * Bytes as both Node and browsers hold them (Uint8Array, no Buffer), and the SHA-256 Fabric hashes blocks and
 * keys with, so that the verifier runs unchanged in the command line and in the console.
 */
import { sha256 as sha256Of } from '@noble/hashes/sha2';

export type Bytes = Uint8Array;

export const concat = (...parts: Bytes[]): Bytes => {
  const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
};

export const sameBytes = (a: Bytes, b: Bytes): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

export const hex = (bytes: Bytes): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export const fromHex = (text: string): Bytes =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

/** Strict: anything but base64 (padding optional, no whitespace) throws, naming the fault. */
export function fromBase64(text: string): Bytes {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('not base64');
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export const fromUtf8 = (text: string): Bytes => new TextEncoder().encode(text);
export const utf8 = (bytes: Bytes): string => new TextDecoder().decode(bytes);

export const sha256 = (...parts: Bytes[]): Bytes => {
  const state = sha256Of.create();
  for (const part of parts) state.update(part);
  return state.digest();
};
