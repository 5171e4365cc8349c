// The style and script inlined into reports/index.html. Tables turn into one card per row on
// narrow screens, and long URLs, headers and bodies wrap, so nothing is wider than a phone.

export const REPORT_CSS = `:root {
  --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --soft: #f6f8fa; --bg: #ffffff;
  --link: #0969da; --green: #1a7f37; --green-bg: #dafbe1; --yellow: #7d4e00; --yellow-bg: #fff8c5;
  --red: #cf222e; --red-bg: #ffebe9; --grey-bg: #eaeef2;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --soft: #151b23; --bg: #0d1117;
    --link: #4493f8; --green: #3fb950; --green-bg: #12261e; --yellow: #d29922; --yellow-bg: #272115;
    --red: #f85149; --red-bg: #301a1f; --grey-bg: #262c36;
  }
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 26px; margin: 0 0 4px; }
h1.pass { color: var(--green); } h1.fail { color: var(--red); }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
h4 { font-size: 14px; margin: 8px 0 4px; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { overflow-wrap: anywhere; }
pre { background: var(--soft); border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px;
  margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 32em; overflow-y: auto; }
.meta, .hint, .total { color: var(--muted); }
.meta, .hint { font-size: 14px; margin: 4px 0; }
.tally { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0 16px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 13px; font-weight: 600;
  white-space: nowrap; }
.tally button { font: inherit; font-size: 13px; border: 1px solid transparent; cursor: pointer; }
.tally button.total { background: none; padding: 0 4px; }
.tally button:hover:not(:disabled), .tally button:focus-visible { border-color: currentColor; }
.tally button:disabled { cursor: default; opacity: 0.6; }
.v-conforms { color: var(--green); background: var(--green-bg); }
.v-deviation { color: var(--yellow); background: var(--yellow-bg); }
.v-fails, .v-error { color: var(--red); background: var(--red-bg); }
.v-skipped { color: var(--muted); background: var(--grey-bg); }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; padding: 10px 12px;
  background: var(--soft); border: 1px solid var(--border); border-radius: 6px; margin-bottom: 12px;
  position: sticky; top: 0; z-index: 1; }
.filters label { font-size: 14px; display: flex; gap: 6px; align-items: center; }
.filters select, .filters input, .filters button { font: inherit; font-size: 14px; padding: 3px 6px;
  color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: 6px; }
.filters input { width: 14em; max-width: 100%; }
.filters button { cursor: pointer; }
#shown { font-size: 13px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--border); }
thead th { background: var(--soft); }
td { overflow-wrap: anywhere; }
td.num, td[data-label="Operation"] code { white-space: nowrap; overflow-wrap: normal; }
table.findings td[data-label="Expected"], table.findings td[data-label="Observed"] { min-width: 11em; }
table.headers { font-size: 13px; margin: 4px 0; }
table.headers th { width: 13em; font-weight: 600; color: var(--muted); overflow-wrap: anywhere; }
table.headers th, table.headers td { padding: 2px 6px; font-family: ui-monospace, Menlo, Consolas, monospace; }
details.scenario { border: 1px solid var(--border); border-radius: 6px; margin: 10px 0; padding: 0 14px; }
details.scenario[open] { padding-bottom: 12px; }
details.scenario > summary { cursor: pointer; padding: 10px 0; font-weight: 600; }
details.exchange { border-left: 3px solid var(--border); margin: 6px 0; padding: 2px 0 2px 10px; }
details.exchange.under-test { border-left-color: var(--link); }
details.exchange > summary { cursor: pointer; overflow-wrap: anywhere; }
.status { font-weight: 700; font-family: ui-monospace, Menlo, Consolas, monospace; }
.s2 { color: var(--green); } .s4, .s5 { color: var(--red); } .s3 { color: var(--yellow); }
.what, .vs { color: var(--muted); font-size: 13px; }
.under-test .vs { color: var(--fg); font-weight: 600; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; }
.line { margin: 4px 0; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0; font-size: 14px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.deviations { padding-left: 20px; font-size: 14px; } .reason { color: var(--muted); }
section.repro { border: 1px solid var(--red); border-radius: 6px; padding: 4px 12px 10px; margin: 12px 0;
  background: color-mix(in srgb, var(--red-bg) 40%, transparent); }
section.repro pre { max-height: 20em; }
section.repro pre.curl { background: var(--bg); max-height: none; }
[hidden] { display: none !important; }
@media (max-width: 760px) {
  main { padding: 14px 12px 48px; }
  h1 { font-size: 21px; }
  .pair { grid-template-columns: minmax(0, 1fr); }
  .filters { position: static; }
  .filters label { flex: 1 1 100%; justify-content: space-between; }
  .filters select, .filters input { flex: 1; max-width: 65%; }
  table.verdicts, table.verdicts tbody, table.findings, table.findings tbody { display: block; }
  table.verdicts thead, table.findings thead { display: none; }
  table.verdicts tr, table.findings tr { display: block; border: 1px solid var(--border); border-radius: 6px;
    margin: 8px 0; padding: 4px 0; }
  table.verdicts td, table.findings td { display: grid; grid-template-columns: 7.5em minmax(0, 1fr); gap: 8px;
    justify-items: start; border: 0; padding: 3px 10px; }
  table.verdicts td[data-label="Operation"] code { white-space: normal; overflow-wrap: anywhere; }
  table.findings td[data-label="Expected"], table.findings td[data-label="Observed"] { min-width: 0; }
  table.findings td > pre { width: 100%; }
  table.verdicts td::before, table.findings td::before { content: attr(data-label); color: var(--muted);
    font-size: 13px; }
  table.verdicts td:empty, table.verdicts td[data-label="Note"]:empty { display: none; }
  table.headers th { width: 40%; }
}`;

// Filters hide both the table row and the scenario's section; "expand all" opens the scenarios
// and every exchange in the ones shown; a link to a scenario opens it.
export const REPORT_JS = `(() => {
  const controls = [...document.querySelectorAll("[data-filter]")];
  const items = [...document.querySelectorAll("tr[data-verdict], details.scenario")];
  const rows = items.filter((item) => item.tagName === "TR");
  const shown = document.getElementById("shown");
  const empty = document.querySelector(".empty");
  function apply() {
    const wanted = Object.fromEntries(controls.map((c) => [c.dataset.filter, c.value.trim().toLowerCase()]));
    for (const item of items) {
      const match = Object.entries(wanted).every(([key, value]) =>
        value === "" || (key === "text" ? item.dataset.text.includes(value) : item.dataset[key].toLowerCase() === value));
      item.hidden = !match;
    }
    const count = rows.filter((row) => !row.hidden).length;
    shown.textContent = count + " of " + rows.length + " shown";
    empty.hidden = count > 0;
  }
  // A link to a scenario (#s-<id>, from the table or from elsewhere) opens it, out of any filter
  // that hides it, below the sticky filter bar.
${revealScript(".filters", 8, 'if (details.hidden) { for (const control of controls) control.value = ""; apply(); }')}
  for (const control of controls) control.addEventListener("input", apply);
  // A tally badge shows only its verdict; the total shows them all again.
  const verdict = controls.find((c) => c.dataset.filter === "verdict");
  for (const badge of document.querySelectorAll("[data-show]")) {
    badge.addEventListener("click", () => {
      verdict.value = badge.dataset.show;
      apply();
    });
  }
  for (const link of document.querySelectorAll('a[href^="#"]')) {
    link.addEventListener("click", () => setTimeout(reveal));
  }
  addEventListener("hashchange", reveal);
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => {
      const open = button.dataset.action === "expand";
      for (const details of document.querySelectorAll("details")) {
        if (!details.closest("[hidden]")) details.open = open;
      }
    });
  }
  apply();
  reveal();
})();`;

/**
 * The script both pages share for links to a scenario: `reveal()` opens the one the URL's hash
 * names, after `unhide` (script text, with `details` in scope) has shown it again, and scrolls
 * it below the sticky `bar`, whose height (plus `gap` px) becomes the page's scroll padding.
 */
export function revealScript(bar: string, gap: number, unhide: string): string {
  return `  const bar = document.querySelector("${bar}");
  function clearBar() {
    const sticky = bar && getComputedStyle(bar).position === "sticky";
    document.documentElement.style.scrollPaddingTop = sticky ? \`\${bar.offsetHeight + ${gap}}px\` : "";
  }
  addEventListener("resize", clearBar);
  function reveal() {
    clearBar();
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    const details = target?.closest("details.scenario");
    if (!details) return;
    ${unhide}
    details.open = true;
    details.scrollIntoView();
  }`;
}
