import { ApiError, get, post, del } from "./api.js";
import { badge, confirmAction, duration, enc, h, json, link, table, when } from "./dom.js";

function label(session) {
  const m = session.metadata || {};
  return m.title || m.name || m.goal || "";
}

function ttlLeft(session) {
  if (session.status !== "active") return h("span", { class: "muted" }, "–");
  const left = (new Date(session.expires_at).getTime() - Date.now()) / 1000;
  return h("span", { title: session.expires_at }, duration(Math.max(0, left)));
}

export async function sessionsPage(ws) {
  const sessions = await get("/sessions", { workspace_id: ws, limit: 500 });
  const rows = sessions.map((s) =>
    h("tr", { "data-session": s.id },
      h("td", null, link(`/w/${enc(ws)}/sessions/${enc(s.id)}`, s.id.slice(0, 12), { class: "id" }),
        " ", h("span", { class: "muted" }, label(s))),
      h("td", null, badge(s.status)),
      h("td", null, ttlLeft(s)),
      h("td", null, when(s.last_activity)),
      h("td", null, when(s.created_at))));
  return h("section", null,
    h("h1", null, "Sessions"),
    sessions.length
      ? table(["Session", "Status", "TTL left", "Last activity", "Started"], rows, { id: "sessions" })
      : h("p", { class: "muted" }, "No session in this workspace."));
}

function facts(session) {
  const dl = h("dl", { class: "facts" });
  const add = (term, value) => dl.append(h("dt", null, term), h("dd", null, value));
  add("Status", badge(session.status));
  add("TTL left", ttlLeft(session));
  add("TTL", duration(session.ttl_seconds));
  add("Last activity", when(session.last_activity));
  add("Started", when(session.created_at));
  add("Expires", when(session.expires_at));
  add("Ended", when(session.ended_at));
  add("Committed", when(session.committed_at));
  add("Auto-commit", session.auto_commit ? "on" : "off");
  return dl;
}

async function workingMemory(id) {
  try {
    return await get(`/sessions/${enc(id)}/memory/items`, { peek: true });
  } catch (error) {
    if (error instanceof ApiError && error.code === "session_expired") return null;
    throw error;
  }
}

const MESSAGES = 200;

async function messages(id) {
  try {
    const [list, total] = await Promise.all([
      get(`/sessions/${enc(id)}/messages`, { status: "", last_n: MESSAGES }),
      get(`/sessions/${enc(id)}/messages/count`, { status: "" }),
    ]);
    return { list, total };
  } catch (error) {
    if (error instanceof ApiError && error.code === "session_expired") return null;
    throw error;
  }
}

function itemsView(ws, session, items) {
  if (items === null) {
    const committed = session.committed_at !== null;
    const fate = committed ? "Its important items were committed: see "
      : session.auto_commit ? "The next sweep auto-commits it; then see "
        : "Auto-commit is off, so it stays an open thread of the briefing until committed. See ";
    return h("p", { class: "notice" },
      "The session expired: its working memory is no longer readable. ", fate,
      link(`/w/${enc(ws)}/memories?session=${enc(session.id)}`, "memories from this session"), ".");
  }
  const keys = Object.keys(items).sort();
  if (!keys.length) return h("p", { class: "muted" }, "Empty.");
  const rows = keys.map((key) => {
    const item = items[key];
    const committed = item.committed_version === item.version;
    return h("tr", { "data-key": key },
      h("td", null, h("code", null, key)),
      h("td", null, json(item.value)),
      h("td", { class: "n" }, item.version),
      h("td", { class: "n" }, item.importance === null ? h("span", { class: "muted" }, "scored") : item.importance),
      h("td", { class: "n" }, item.reads),
      h("td", null, when(item.updated_at)),
      h("td", null, committed ? badge("committed", "ok") : h("span", { class: "muted" }, "not yet")));
  });
  return table(["Key", "Value", "Version", "Importance", "Reads", "Updated", "Commit"], rows,
    { id: "working-memory" });
}

function messagesView(found) {
  if (found === null) return h("p", { class: "muted" }, "Not readable: the session expired.");
  const { list, total } = found;
  if (!list.length) return h("p", { class: "muted" }, "No message.");
  const more = total > list.length ? h("p", { class: "muted" }, `The newest ${list.length} of ${total}.`) : null;
  return [more, h("ol", { class: "messages", id: "messages" }, list.map((m) =>
    h("li", { class: `msg ${m.role} ${m.status}` },
      h("div", { class: "meta" }, badge(m.role, "role"), ` #${m.seq} · ${m.token_count} tokens`,
        m.status !== "active" ? ` · ${m.status}` : "", " · ", when(m.created_at)),
      h("div", { class: "content" }, m.content),
      m.tool_calls && m.tool_calls.length ? json(m.tool_calls) : null)))];
}

function actions(ws, session) {
  const go = (path) => { location.hash = path; };
  const end = async () => {
    const ok = await confirmAction("End this session?",
      "Its important working-memory items are committed to long-term memory first; " +
      "its working memory stays readable until the session is deleted.", "End and commit");
    if (!ok) return;
    await post(`/sessions/${enc(session.id)}/end`, { commit: true });
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  };
  const remove = async () => {
    const ok = await confirmAction("Delete this session?",
      "Its working memory and messages are deleted for good; its memories stay.", "Delete");
    if (!ok) return;
    await del(`/sessions/${enc(session.id)}`);
    go(`/w/${enc(ws)}/sessions`);
  };
  return h("div", { class: "actions" },
    session.status === "active" ? h("button", { id: "end-session", onclick: end }, "End session…") : null,
    h("button", { id: "delete-session", class: "danger", onclick: remove }, "Delete session…"));
}

export async function sessionPage(ws, id) {
  const session = await get(`/sessions/${enc(id)}`);
  const [items, msgs] = await Promise.all([workingMemory(id), messages(id)]);
  return h("section", null,
    h("p", { class: "crumbs" }, link(`/w/${enc(ws)}/sessions`, "Sessions"), " / "),
    h("h1", null, "Session ", h("code", null, session.id)),
    label(session) ? h("p", { class: "lead" }, label(session)) : null,
    actions(ws, session),
    facts(session),
    Object.keys(session.metadata || {}).length ? h("details", null, h("summary", null, "Metadata"),
      json(session.metadata)) : null,
    h("h2", null, "Working memory"),
    itemsView(ws, session, items),
    h("p", null, link(`/w/${enc(ws)}/memories?session=${enc(id)}`, "Memories from this session"),
      " · ", link(`/w/${enc(ws)}/timeline?session=${enc(id)}`, "Its events")),
    h("h2", null, "Messages"),
    messagesView(msgs));
}
