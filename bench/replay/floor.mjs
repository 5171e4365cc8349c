// The floor of a replay run: a plain Node process (no tsx, no harness) that makes the same
// recorded exchanges as the catalog — every exchange of tests/cassettes/**, same method, path,
// headers and body — as bare `fetch` calls to a keep-alive HTTP server on 127.0.0.1 in this
// process, which answers each with its recorded status, headers and body. Like the engine, it
// runs the cassettes side by side and the exchanges of one cassette in order.
// `node bench/replay/floor.mjs [cassette-dir]`; prints the number of exchanges made.
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

const dir = process.argv[2] ?? new URL("../../tests/cassettes/", import.meta.url).pathname;
const read = (path) => JSON.parse(readFileSync(path, "utf8")).exchanges;
const session = read(join(dir, "session.json"));
const cassettes = ["evs", "bms"].flatMap((folder) =>
  readdirSync(join(dir, folder))
    .filter((file) => file.endsWith(".json"))
    .map((file) => read(join(dir, folder, file))),
);

/** A recorded body as sent: JSON stored parsed is sent as JSON text (src/targets/cassette.ts). */
const text = (part) =>
  part.body !== undefined ? JSON.stringify(part.body) : (part.bodyText ?? "");
const all = [session, ...cassettes].flat();
const responses = all.map((exchange) => ({
  status: exchange.response.status,
  headers: exchange.response.headers,
  body: text(exchange.response),
}));

// The request names its recording by index: the least work a server can do to answer it.
const server = createServer((request, response) => {
  const recorded = responses[Number(request.headers["x-exchange"])];
  request.resume();
  request.on("end", () => {
    response.writeHead(recorded.status, recorded.headers);
    response.end(recorded.body);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

let index = 0;
const numbered = (exchanges) => exchanges.map((exchange) => ({ exchange, index: index++ }));
const call = async ({ exchange, index }) => {
  const { method, url, headers } = exchange.request;
  const target = new URL(url);
  const body = text(exchange.request);
  const response = await fetch(`${origin}${target.pathname}${target.search}`, {
    method,
    headers: { ...headers, "x-exchange": String(index) },
    ...(body !== "" && { body }),
  });
  await response.text();
  if (response.status !== exchange.response.status) {
    throw new Error(`${method} ${url}: ${response.status}, recorded ${exchange.response.status}`);
  }
};
const inOrder = async (list) => {
  for (const item of list) await call(item);
};

// The session's token requests first, then every cassette at once.
await inOrder(numbered(session));
await Promise.all(cassettes.map((exchanges) => inOrder(numbered(exchanges))));
server.close();
process.stdout.write(`${index} exchanges\n`);
