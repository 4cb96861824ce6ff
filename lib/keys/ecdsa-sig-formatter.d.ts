// ecdsa-sig-formatter ships no types; these are the two functions it exports (its README).
declare module 'ecdsa-sig-formatter' {
  /** A DER (ASN.1) ECDSA signature as the JOSE form: base64url of raw R||S, each padded to the curve's size. */
  export function derToJose(signature: Buffer | string, alg: string): string;
  export function joseToDer(signature: Buffer | string, alg: string): Buffer;
}
