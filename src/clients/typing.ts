/** The JSON request body of operation `K` in a generated `operations` interface. */
export type JsonBody<Ops, K extends keyof Ops> = Ops[K] extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;

/** The JSON response body of operation `K` for status `S`. */
export type JsonResponse<Ops, K extends keyof Ops, S extends number> = Ops[K] extends {
  responses: { [status in S]: { content: { "application/json": infer Body } } };
}
  ? Body
  : never;
