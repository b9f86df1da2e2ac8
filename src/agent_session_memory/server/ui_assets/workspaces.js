import { get } from "./api.js";
import { enc, h, link, table, when } from "./dom.js";

export async function workspacesPage() {
  const workspaces = await get("/workspaces");
  const rows = workspaces.map((w) =>
    h("tr", { "data-workspace": w.id },
      h("td", null, link(`/w/${enc(w.id)}/sessions`, w.id)),
      h("td", { class: "n" }, w.sessions),
      h("td", { class: "n" }, w.active_sessions),
      h("td", { class: "n" }, link(`/w/${enc(w.id)}/memories`, String(w.memories))),
      h("td", null, when(w.last_activity)),
      h("td", null, link(`/w/${enc(w.id)}/briefing`, "briefing"), " · ",
        link(`/w/${enc(w.id)}/timeline`, "timeline"))));
  return h("section", null,
    h("h1", null, "Workspaces"),
    workspaces.length
      ? table(["Workspace", "Sessions", "Active", "Memories", "Last activity", ""], rows,
        { id: "workspaces" })
      : h("p", { class: "muted" }, "No workspace yet."));
}
