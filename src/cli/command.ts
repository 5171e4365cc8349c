/** How a user calls the command line, in every hint it prints (the `bin` of package.json). */
export const COMMAND = "npx otc-detach-conformance";
