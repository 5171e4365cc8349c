// Credentials recognised by their shape alone, wherever they appear and whoever sent them.

/**
 * Each matches a credential, or names one and holds it in its last group. `spans.ts` looks for
 * their heads before trying them.
 */
export const SECRET_SHAPES: readonly RegExp[] = [
  // A Keystone Fernet token: base64url of a version byte 0x80 and a timestamp.
  /gAAAAA[\w-]{20,}(?:={1,2}|(?:%3[dD]){1,2})?/g,
  // A JSON web token: header and payload are base64url JSON objects.
  /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/g,
  // A PEM private key, to its end line or, when cut short, to the end of the text.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // OTC's AK/SK authorization value, signature included, to the end of the header or string.
  /SDK-HMAC-SHA256[^"\n\\]*/g,
  // HTTP Basic or Bearer credentials: past their first character a digit, a capital or a
  // base64 sign, unlike a word of prose ("Basic authentication").
  /\b(?:Basic|Bearer) ((?=[\w+/=.~-]+[\dA-Z+/=])[\w+/=.~-]{8,})/g,
];
