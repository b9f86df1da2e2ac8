import { get } from "./api.js";
import { badge, enc, h, link, when } from "./dom.js";

const WINDOWS = [[24, "24 h"], [168, "7 days"], [720, "30 days"], [0, "all"]];
const LIMIT = 2000;

function detail(ws, e) {
  const data = { ...(e.data || {}) };
  const parts = [];
  if (e.memory_id) {
    parts.push(link(`/w/${enc(ws)}/memories/${enc(e.memory_id)}`, `memory ${e.memory_id.slice(0, 8)}`, { class: "id" }));
  }
  if (data.superseded_by) {
    parts.push(" → ", link(`/w/${enc(ws)}/memories/${enc(data.superseded_by)}`, `memory ${String(data.superseded_by).slice(0, 8)}`, { class: "id" }));
    delete data.superseded_by;
  }
  // Zeros and empty lists say nothing; a list of ids reads better as its count.
  const rest = Object.entries(data).filter(([, v]) => v !== null && v !== undefined && v !== 0
    && !(Array.isArray(v) && !v.length));
  const shown = rest.map(([k, v]) => (Array.isArray(v) ? `${k}: ${v.length}` : `${k}=${JSON.stringify(v)}`));
  if (shown.length) parts.push(" ", h("code", { class: "data" }, shown.join(" ")));
  return parts;
}

export async function timelinePage(ws, query) {
  const hours = Number(query.get("hours") ?? 168);
  const session = query.get("session") || undefined;
  const since = hours ? new Date(Date.now() - hours * 3600e3).toISOString() : undefined;
  const events = await get("/events", { workspace_id: ws, since, session_id: session, limit: LIMIT });
  events.reverse(); // newest first
  const keep = session ? `&session=${enc(session)}` : "";
  const windows = h("p", { class: "windows" }, "Window: ", WINDOWS.map(([n, text]) =>
    [n === hours ? h("strong", null, text) : link(`/w/${enc(ws)}/timeline?hours=${n}${keep}`, text), " "]),
  session ? [" · only session ", h("code", null, session.slice(0, 12)), " (", link(`/w/${enc(ws)}/timeline?hours=${hours}`, "all"), ")"] : null);
  const byDay = new Map();
  for (const e of events) {
    const day = new Date(e.at).toDateString();
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(e);
  }
  const days = [...byDay].map(([day, list]) => h("section", { class: "day" },
    h("h2", null, day),
    h("ol", { class: "timeline" }, list.map((e) =>
      h("li", { class: `event ${e.type}`, "data-type": e.type },
        h("span", { class: "at" }, new Date(e.at).toLocaleTimeString()), " ",
        badge(e.type.replace("_", " "), e.type.split("_")[0]), " ",
        e.session_id ? link(`/w/${enc(ws)}/sessions/${enc(e.session_id)}`, `session ${e.session_id.slice(0, 8)}`, { class: "id" }) : null,
        " ", detail(ws, e))))));
  return h("section", null,
    h("h1", null, "Timeline"),
    windows,
    events.length >= LIMIT ? h("p", { class: "notice" }, `The first ${LIMIT} events of the window; narrow it to see the rest.`) : null,
    events.length ? h("div", { id: "timeline" }, days) : h("p", { class: "muted" }, "No event in this window."));
}
