// The docs site's own script (typedoc.json customJs), issue 22 item 3. TypeDoc's search looks
// for `*word*` (so "CLI" matches every "ClientOptions") and has no option for either of these:
// - exact names first: of the results TypeDoc shows, an exported name (or a guide's title) that
//   is the query but for case comes first ("delivered" finds the type `Delivered` before the
//   members named so); then the outcome unions whose tables list the query as a kind
//   (`globalThis.outcomeKinds`, from scripts/typedoc-groups.mjs); then a member named so; then a
//   name holding it as a whole word (the guide "The CLI and the mock ECE" for "CLI"); then the
//   rest, each in TypeDoc's order;
// - Enter opens the first result (TypeDoc opens only one chosen with the arrow keys, and shows
//   results 200 ms after typing, so Enter may come first).
const results = () => document.getElementById("tsd-search-results");
const query = () => document.getElementById("tsd-search-input")?.value.trim() ?? "";

/** A result's place: 0 (first) to 4 (the rest), as above. */
function rank(item) {
  const text = item.querySelector(".text");
  const member = Boolean(text?.querySelector(".parent"));
  const name = [...(text?.childNodes ?? [])]
    .filter((node) => !(node instanceof Element && node.classList.contains("parent")))
    .map((node) => node.textContent)
    .join("")
    .trim();
  const typed = query().toLowerCase();
  const same = name.toLowerCase() === typed;
  if (same && !member) return 0;
  const kinds = member ? [] : (globalThis.outcomeKinds?.[name] ?? []);
  if (kinds.some((kind) => kind.toLowerCase() === typed)) return 1;
  if (same) return 2;
  return name.toLowerCase().split(/[^a-z0-9]+/).includes(typed) ? 3 : 4;
}

function exactFirst(list) {
  const items = [...list.children];
  const ranked = items.map((item, index) => ({ item, index, rank: rank(item) })).sort((a, b) => a.rank - b.rank || a.index - b.index);
  if (ranked.some(({ item }, index) => item !== items[index])) list.append(...ranked.map(({ item }) => item));
}

function openFirst() {
  const first = results()?.querySelector("li a");
  first?.click();
  return Boolean(first);
}

let enterPending = false;
document.addEventListener("DOMContentLoaded", () => {
  const list = results();
  if (!list) return;
  new MutationObserver(() => {
    exactFirst(list);
    if (enterPending && openFirst()) enterPending = false;
  }).observe(list, { childList: true });
});

document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (event.key !== "Enter" || !(input instanceof HTMLInputElement) || input.id !== "tsd-search-input") return;
  if (input.getAttribute("aria-activedescendant")) return; // TypeDoc opens the chosen result itself
  if (!openFirst()) enterPending = true;
});
document.addEventListener("input", () => (enterPending = false));
