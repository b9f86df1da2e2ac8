import { get, post, del } from "./api.js";
import { badge, confirmAction, enc, h, json, link, num, table, when } from "./dom.js";

const PAGE = 100;
const FIELDS = ["q", "types", "tags", "min", "since", "until", "session", "superseded"];

function list(value) {
  const items = (value || "").split(",").map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function isoOrUndefined(value) {
  return value ? new Date(value).toISOString() : undefined;
}

function filters(ws, query) {
  return {
    workspace_id: ws,
    types: list(query.get("types")),
    tags: list(query.get("tags")),
    min_importance: query.get("min") ? Number(query.get("min")) : undefined,
    since: isoOrUndefined(query.get("since")),
    until: isoOrUndefined(query.get("until")),
    session_id: query.get("session") || undefined,
    include_superseded: query.get("superseded") === "1",
  };
}

function searchForm(ws, query) {
  const input = (name, attrs) => h("input", { name, id: `f-${name}`, value: query.get(name) || "", ...attrs });
  const submit = (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    const next = new URLSearchParams();
    for (const name of FIELDS) {
      const value = data.get(name);
      if (value) next.set(name, name === "superseded" ? "1" : String(value));
    }
    location.hash = `/w/${enc(ws)}/memories?${next}`;
  };
  return h("form", { class: "search", id: "search", onsubmit: submit, role: "search" },
    h("div", { class: "row" },
      input("q", { type: "search", placeholder: "Search memories: what the agent would ask…", class: "grow",
        "aria-label": "Query" }),
      h("button", { type: "submit" }, "Search")),
    h("div", { class: "row filters" },
      h("label", null, "Types ", input("types", { placeholder: "fact, decision", size: 14 })),
      h("label", null, "Tags ", input("tags", { placeholder: "auth, db", size: 12 })),
      h("label", null, "Min importance ", input("min", { type: "number", min: 0, max: 1, step: 0.05, size: 4 })),
      h("label", null, "Since ", input("since", { type: "datetime-local" })),
      h("label", null, "Until ", input("until", { type: "datetime-local" })),
      h("label", null, "Session ", input("session", { size: 12 })),
      h("label", null, h("input", { type: "checkbox", name: "superseded", id: "f-superseded",
        checked: query.get("superseded") === "1" }), " superseded too")));
}

async function forget(ws, memory, after) {
  const ok = await confirmAction("Forget this memory?",
    `“${memory.content.slice(0, 160)}” is deleted from long-term memory for good.`, "Forget");
  if (!ok) return;
  await del(`/memories/${enc(memory.id)}`, { workspace_id: ws });
  after();
}

function refresh() {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

function memoryCells(ws, m) {
  return [
    h("td", { class: "content" }, link(`/w/${enc(ws)}/memories/${enc(m.id)}`, m.content),
      m.superseded_by ? [" ", badge("superseded")] : null),
    h("td", null, m.type),
    h("td", { class: "n" }, num(m.importance, 2)),
    h("td", null, (m.tags || []).map((t) => badge(t, "tag"))),
    h("td", null, when(m.created_at)),
    h("td", null, m.session_id ? link(`/w/${enc(ws)}/sessions/${enc(m.session_id)}`, m.session_id.slice(0, 8), { class: "id" }) : "–"),
  ];
}

function forgetButton(ws, m) {
  return h("td", null, h("button", { class: "danger small forget", onclick: () => forget(ws, m, refresh) }, "Forget…"));
}

function hitsView(ws, hits) {
  if (!hits.length) return h("p", { class: "muted" }, "No memory matches.");
  const rows = hits.map((hit, i) =>
    h("tr", { "data-memory": hit.memory.id },
      h("td", { class: "n" }, i + 1),
      h("td", { class: "n score", title: "fused score" }, num(hit.score)),
      h("td", { class: "n", title: "semantic (cosine) part" }, num(hit.semantic_score)),
      h("td", { class: "n", title: "lexical (bm25) part" }, num(hit.lexical_score)),
      h("td", { class: "n", title: "session context: its most relevant neighbour's relevance" }, num(hit.context_score)),
      memoryCells(ws, hit.memory),
      forgetButton(ws, hit.memory)));
  return table(["#", "Score", "Semantic", "Lexical", "Context", "Memory", "Type", "Importance", "Tags", "Created", "Session", ""],
    rows, { id: "memories", class: "hits" });
}

function listView(ws, memories) {
  if (!memories.length) return h("p", { class: "muted" }, "No memory matches.");
  const rows = memories.map((m) => h("tr", { "data-memory": m.id }, memoryCells(ws, m), forgetButton(ws, m)));
  return table(["Memory", "Type", "Importance", "Tags", "Created", "Session", ""], rows, { id: "memories" });
}

export async function memoriesPage(ws, query) {
  const q = (query.get("q") || "").trim();
  const params = filters(ws, query);
  let results;
  if (q) {
    const hits = await post("/recall", { ...params, query: q, k: 50 });
    results = [h("p", { class: "muted" }, `${hits.length} best matches for “${q}”: hybrid recall, `,
      "the same as the API's (semantic and lexical parts fused; importance and recency break ties)."),
      hitsView(ws, hits)];
  } else {
    const page = Math.max(0, Number(query.get("page") || 0));
    const memories = await get("/memories", { ...params, limit: PAGE + 1, offset: page * PAGE });
    const shown = memories.slice(0, PAGE);
    const at = (n) => { const next = new URLSearchParams(query); next.set("page", String(n)); return `/w/${enc(ws)}/memories?${next}`; };
    const pager = h("p", { class: "pager" },
      page > 0 ? link(at(page - 1), "← Newer") : null, " ",
      memories.length > PAGE ? link(at(page + 1), "Older →", { id: "older" }) : null);
    const first = page * PAGE + 1;
    results = [h("p", { class: "muted" }, shown.length
      ? `Memories ${first} to ${first + shown.length - 1}, newest first.` : ""), listView(ws, shown), pager];
  }
  return h("section", null, h("h1", null, "Memories"), searchForm(ws, query), results);
}

function eventRow(ws, e) {
  return h("li", null, when(e.at), " ", badge(e.type, "event"),
    e.session_id ? [" in ", link(`/w/${enc(ws)}/sessions/${enc(e.session_id)}`, e.session_id.slice(0, 8), { class: "id" })] : null,
    Object.keys(e.data || {}).length ? h("code", { class: "data" }, " " + JSON.stringify(e.data)) : null);
}

function memoryLink(ws, m) {
  return h("li", null, link(`/w/${enc(ws)}/memories/${enc(m.id)}`, m.content), " ", when(m.created_at));
}

export async function memoryPage(ws, id) {
  const history = await get(`/memories/${enc(id)}/history`, { workspace_id: ws });
  const m = history.memory;
  const dl = h("dl", { class: "facts" });
  const add = (term, value) => dl.append(h("dt", null, term), h("dd", null, value));
  add("Type", m.type);
  add("Importance", num(m.importance, 2));
  add("Tags", (m.tags || []).length ? m.tags.map((t) => badge(t, "tag")) : "–");
  add("Key", m.key ? h("code", null, m.key) : "–");
  add("Created", when(m.created_at));
  add("Updated", when(m.updated_at));
  add("Valid until", when(m.valid_until));
  add("Source sessions", (m.source_sessions || []).length
    ? m.source_sessions.map((s) => [link(`/w/${enc(ws)}/sessions/${enc(s)}`, s.slice(0, 12), { class: "id" }), " "])
    : "–");
  const gone = () => { location.hash = `/w/${enc(ws)}/memories`; };
  return h("section", null,
    h("p", { class: "crumbs" }, link(`/w/${enc(ws)}/memories`, "Memories"), " / ", h("code", null, m.id)),
    h("h1", null, "Memory"),
    h("blockquote", { class: "memory-content" }, m.content),
    h("div", { class: "actions" },
      h("button", { class: "danger", id: "forget-memory", onclick: () => forget(ws, m, gone) }, "Forget…")),
    dl,
    h("h2", null, "History"),
    h("div", { id: "history" },
      history.superseded_by
        ? h("p", { class: "notice" }, "Superseded by ", link(`/w/${enc(ws)}/memories/${enc(history.superseded_by.id)}`,
          history.superseded_by.content), " (same key, newer value).")
        : m.superseded_by ? h("p", { class: "notice" }, `Superseded by ${m.superseded_by} (since forgotten).`) : null,
      history.supersedes.length
        ? [h("h3", null, "Supersedes"), h("ul", { id: "supersedes" }, history.supersedes.map((p) => memoryLink(ws, p)))]
        : null,
      history.merged_from.length
        ? [h("h3", null, "Merged from"), h("p", { class: "muted" }, "Near-duplicate commits folded into this memory:"),
          h("ul", { id: "merged" }, history.merged_from.map((x) => h("li", null, h("code", null, x))))]
        : null,
      h("h3", null, "Events"),
      history.events.length ? h("ul", { id: "events", class: "events" }, history.events.map((e) => eventRow(ws, e)))
        : h("p", { class: "muted" }, "No event recorded (imported?).")),
    Object.keys(m.metadata || {}).length ? [h("h2", null, "Metadata"), json(m.metadata)] : null);
}
