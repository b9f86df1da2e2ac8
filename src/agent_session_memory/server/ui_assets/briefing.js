import { get } from "./api.js";
import { badge, enc, h, link, num, table, when } from "./dom.js";

const WINDOWS = [[24, "24 h"], [72, "3 days"], [168, "7 days"], [720, "30 days"]];

function sessionLink(ws, id) {
  return id ? link(`/w/${enc(ws)}/sessions/${enc(id)}`, id.slice(0, 12), { class: "id" }) : "–";
}

export async function briefingPage(ws, query) {
  const hours = Number(query.get("hours") || 24);
  const b = await get("/sessions/briefing", { workspace_id: ws, lookback_hours: hours });
  const windows = h("p", { class: "windows" }, "Look back: ", WINDOWS.map(([n, text]) =>
    [n === hours ? h("strong", null, text) : link(`/w/${enc(ws)}/briefing?hours=${n}`, text), " "]));
  const activity = b.recent_activity.map((a) =>
    h("tr", { "data-session": a.session_id },
      h("td", null, sessionLink(ws, a.session_id)),
      h("td", null, badge(a.status)),
      h("td", null, a.summary),
      h("td", { class: "n" }, a.memories_created),
      h("td", null, a.key_decisions.length ? h("ul", null, a.key_decisions.map((d) => h("li", null, d))) : "–"),
      h("td", null, when(a.last_activity))));
  const threads = b.open_threads.map((t) =>
    h("tr", null,
      h("td", null, t.topic),
      h("td", null, badge(t.status)),
      h("td", null, t.source.replace("_", " "), t.key ? [" ", h("code", null, t.key)] : null),
      h("td", null, sessionLink(ws, t.session_id)),
      h("td", null, when(t.last_activity))));
  const memories = b.memories.map((m) =>
    h("li", null, link(`/w/${enc(ws)}/memories/${enc(m.id)}`, m.content),
      h("span", { class: "muted" }, ` · ${m.type} · importance ${num(m.importance, 2)}`)));
  return h("section", { id: "briefing" },
    h("h1", null, "Briefing"),
    windows,
    h("p", { class: "lead", id: "workspace-summary" }, b.workspace_summary),
    h("h2", null, "Recent activity"),
    h("p", { id: "activity-summary" }, b.recent_activity_summary || h("span", { class: "muted" }, "Nothing lately.")),
    activity.length ? table(["Session", "Status", "Summary", "Memories", "Key decisions", "Last activity"],
      activity, { id: "activity" }) : null,
    h("h2", null, "Open threads"),
    threads.length ? table(["Topic", "Status", "From", "Session", "Last activity"], threads, { id: "threads" })
      : h("p", { class: "muted" }, "No open thread."),
    h("h2", null, "Top memories"),
    memories.length ? h("ol", { id: "top-memories" }, memories) : h("p", { class: "muted" }, "None yet."),
    h("p", { class: "muted" }, "Generated ", when(b.generated_at), "."));
}
