// The stylesheet inlined into docs/index.html: a sticky table of contents beside the content on
// wide screens, one column on narrow ones with each table row as a card, and a dark variant
// that follows the system setting.
import { revealScript } from "../reports/html-assets.ts";

export const PAGE_CSS = `:root {
  --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --soft: #f6f8fa; --bg: #ffffff;
  --link: #0969da; --green: #1a7f37; --green-bg: #dafbe1; --yellow: #7d4e00; --yellow-bg: #fff8c5;
  --red: #cf222e; --red-bg: #ffebe9; --key: #0550ae; --str: #0a3069; --num: #953800;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --soft: #151b23; --bg: #0d1117;
    --link: #4493f8; --green: #3fb950; --green-bg: #12261e; --yellow: #d29922; --yellow-bg: #272115;
    --red: #f85149; --red-bg: #301a1f; --key: #79c0ff; --str: #a5d6ff; --num: #ffa657;
  }
}
* { box-sizing: border-box; }
html { scroll-padding-top: 16px; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
.layout { display: grid; grid-template-columns: 250px minmax(0, 1fr); max-width: 1400px; margin: 0 auto; }
nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
  padding: 28px 16px 28px 24px; border-right: 1px solid var(--border); font-size: 14px; }
nav.toc ol { list-style: none; margin: 0; padding: 0; }
nav.toc ol ol { padding-left: 14px; margin: 2px 0 8px; }
nav.toc li { margin: 3px 0; }
.toc-title { font-weight: 600; text-transform: uppercase; letter-spacing: .05em; font-size: 12px;
  color: var(--muted); margin: 0 0 8px; }
.count { color: var(--muted); font-size: 12px; }
main { padding: 28px 48px 64px; min-width: 0; }
h1 { font-size: 30px; line-height: 1.25; margin: 0 0 12px; }
h2 { font-size: 24px; margin: 56px 0 8px; padding-bottom: 8px; border-bottom: 1px solid var(--border); }
h3 { font-size: 19px; margin: 36px 0 8px; }
h4 { font-size: 16px; margin: 24px 0 6px; }
p { margin: 8px 0; }
.lead { font-size: 16px; color: var(--muted); max-width: 80ch; }
.muted { color: var(--muted); }
.call { margin: 4px 0 16px; }
.method { font: 600 12px/1 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--fg); color: var(--bg); border-radius: 4px; padding: 3px 6px; }
.tag { font-size: 12px; border: 1px solid var(--border); border-radius: 999px; padding: 1px 8px; color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
code { background: var(--soft); border-radius: 4px; padding: 1px 5px; }
h2 code { font-size: .8em; }
pre { background: var(--soft); border: 1px solid var(--border); border-radius: 6px; padding: 12px 14px;
  margin: 6px 0 14px; white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.5; }
pre code { background: none; padding: 0; }
pre .hn { color: var(--muted); }
pre .k { color: var(--key); }
pre .s { color: var(--str); }
pre .n, pre .l { color: var(--num); }
table { border-collapse: collapse; width: 100%; margin: 10px 0 18px; font-size: 14px; }
th, td { border: 1px solid var(--border); padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num, .num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td:first-child code, td.ids code { white-space: nowrap; }
table.observed td:nth-child(2) { width: 36%; }
.tally { white-space: nowrap; margin-right: 6px; }
td.differs { color: var(--red); font-weight: 600; }
.badge { display: inline-block; border-radius: 999px; padding: 0 9px; font-size: 12px; font-weight: 600;
  line-height: 20px; white-space: nowrap; }
.badge.conforms { background: var(--green-bg); color: var(--green); }
.badge.deviation { background: var(--yellow-bg); color: var(--yellow); }
.badge.fails, .badge.error { background: var(--red-bg); color: var(--red); }
.badge.skipped { background: var(--soft); color: var(--muted); }
details.scenario { border: 1px solid var(--border); border-radius: 6px; margin: 8px 0; }
details.scenario > summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 10px; align-items: center;
  list-style: none; }
details.scenario > summary::-webkit-details-marker { display: none; }
details.scenario > summary::before { content: "▸"; color: var(--muted); width: 10px; }
details.scenario[open] > summary::before { content: "▾"; }
details.scenario[open] > summary { border-bottom: 1px solid var(--border); background: var(--soft); }
details.scenario > summary .title { flex: 1; }
details.scenario > summary .pair { color: var(--muted); font-size: 13px; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
details.scenario .content { padding: 4px 16px 8px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 10px 0 12px; }
dt { color: var(--muted); font-size: 13px; padding-top: 1px; }
dd { margin: 0; }
.caption { font-weight: 600; margin: 14px 0 4px; }
.caption .muted { font-weight: 400; font-size: 13px; }
.deviation-card { border-left: 3px solid var(--yellow); background: var(--soft); border-radius: 0 6px 6px 0;
  padding: 8px 14px; margin: 10px 0; }
.deviation-id { margin: 0 0 4px; }
footer { margin-top: 56px; padding-top: 12px; border-top: 1px solid var(--border); color: var(--muted); font-size: 13px; }
.toolbar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 8px; align-items: center;
  padding: 8px 0; margin: -8px 0 8px; background: var(--bg); border-bottom: 1px solid var(--border); }
.toolbar input { flex: 1 1 16em; min-width: 0; font: inherit; font-size: 14px; padding: 4px 8px; color: var(--fg);
  background: var(--bg); border: 1px solid var(--border); border-radius: 6px; }
.toolbar button { font: inherit; font-size: 14px; padding: 4px 10px; color: var(--fg); background: var(--soft);
  border: 1px solid var(--border); border-radius: 6px; cursor: pointer; }
#matches { color: var(--muted); font-size: 13px; }
details.setup { margin: 8px 0; }
.setup-title { cursor: pointer; color: var(--muted); font-size: 14px; }
.setup-calls { margin: 4px 0; padding-left: 24px; font-size: 13px; overflow-wrap: anywhere; }
@media (max-width: 960px) {
  .layout { display: block; }
  nav.toc { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--border); }
  main { padding: 20px; }
  details.scenario > summary { flex-wrap: wrap; }
  details.scenario > summary .title { flex-basis: 100%; order: 3; }
}
@media (max-width: 640px) {
  main { padding: 14px 12px; }
  h1 { font-size: 24px; }
  table.cards, table.cards tbody, table.cards tr { display: block; }
  table.cards thead { display: none; }
  table.cards tr { border: 1px solid var(--border); border-radius: 6px; margin: 8px 0; padding: 4px 0; }
  /* Not a grid: a cell's inline children (text, code) must stay one flow of text. */
  table.cards td { display: block; position: relative; border: 0; padding: 3px 10px 3px calc(6.5em + 18px);
    overflow-wrap: anywhere; }
  table.cards td::before { content: attr(data-label); position: absolute; left: 10px; width: 6.5em;
    color: var(--muted); font-size: 12px; line-height: 2; }
  table.observed td:nth-child(2) { width: auto; }
  td:first-child code, td.ids code { white-space: normal; }
  dl { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dd { margin-bottom: 6px; overflow-wrap: anywhere; }
}
`;

// Search hides the scenarios that do not match (and opens those that do); the buttons open or
// close every scenario and set-up list; a link to a scenario opens it.
export const PAGE_JS = `(() => {
  const search = document.getElementById("search");
  const matches = document.getElementById("matches");
  const scenarios = [...document.querySelectorAll("details.scenario")];
  search.addEventListener("input", () => {
    const words = search.value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const details of scenarios) {
      const text = details.textContent.toLowerCase();
      const match = words.every((word) => text.includes(word));
      details.hidden = !match;
      details.open = match && words.length > 0;
      if (match) shown += 1;
    }
    matches.textContent = words.length > 0 ? \`\${shown} of \${scenarios.length} scenarios\` : "";
  });
  // A link to a scenario opens it, shown even if a search hid it, below the sticky toolbar.
${revealScript(".toolbar", 16, "details.hidden = false;")}
  addEventListener("hashchange", reveal);
  for (const link of document.querySelectorAll('a[href^="#"]')) {
    link.addEventListener("click", () => setTimeout(reveal));
  }
  reveal();
  for (const button of document.querySelectorAll("[data-open]")) {
    button.addEventListener("click", () => {
      for (const details of document.querySelectorAll("details")) {
        if (!details.hidden) details.open = button.dataset.open === "true";
      }
    });
  }
})();
`;
