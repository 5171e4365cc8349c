/** Bad input on the command line: its message says what is wrong and what to do; exit code 2. */
export class ConfigurationError extends Error {}
