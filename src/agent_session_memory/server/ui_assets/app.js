// The inspector's router: the page comes from the URL's hash, so every view has a link.

import { ApiError, apiKey, setApiKey } from "./api.js";
import { h, link } from "./dom.js";
import { briefingPage } from "./briefing.js";
import { memoriesPage, memoryPage } from "./memories.js";
import { sessionPage, sessionsPage } from "./sessions.js";
import { timelinePage } from "./timeline.js";
import { workspacesPage } from "./workspaces.js";

const PAGES = [
  [/^\/$/, () => workspacesPage()],
  [/^\/w\/([^/]+)\/sessions$/, (ws) => sessionsPage(ws)],
  [/^\/w\/([^/]+)\/sessions\/([^/]+)$/, (ws, id) => sessionPage(ws, id)],
  [/^\/w\/([^/]+)\/memories$/, (ws, q) => memoriesPage(ws, q)],
  [/^\/w\/([^/]+)\/memories\/([^/]+)$/, (ws, id) => memoryPage(ws, id)],
  [/^\/w\/([^/]+)\/briefing$/, (ws, q) => briefingPage(ws, q)],
  [/^\/w\/([^/]+)\/timeline$/, (ws, q) => timelinePage(ws, q)],
];

function parse() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search] = raw.split("?");
  return { path, query: new URLSearchParams(search || "") };
}

function nav(workspace) {
  const el = document.getElementById("nav");
  el.replaceChildren();
  if (!workspace) return;
  const ws = encodeURIComponent(workspace);
  const here = parse().path;
  const item = (page, text) =>
    link(`/w/${ws}/${page}`, text, here.startsWith(`/w/${ws}/${page}`) ? { "aria-current": "page" } : {});
  el.append(
    h("span", { class: "ws", title: "workspace" }, workspace),
    item("sessions", "Sessions"),
    item("memories", "Memories"),
    item("briefing", "Briefing"),
    item("timeline", "Timeline"),
  );
}

function who() {
  const el = document.getElementById("who");
  el.replaceChildren();
  if (apiKey()) {
    el.append(h("button", { class: "secondary small", onclick: () => { setApiKey(null); render(); } },
      "Forget the key"));
  }
}

function loginPage(error) {
  const input = h("input", {
    type: "password", id: "api-key", name: "api-key", autocomplete: "off", required: true,
    placeholder: "asm_…", size: 50,
  });
  const submit = (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    render();
  };
  return h("section", { class: "login" },
    h("h1", null, "API key"),
    h("p", null, "This server needs an API key (", h("code", null, "asm keys create"),
      "). It is kept in this tab only and sent as ", h("code", null, "Authorization: Bearer"), "."),
    error ? h("p", { class: "error" }, error) : null,
    h("form", { onsubmit: submit }, input, " ", h("button", { type: "submit" }, "Open")));
}

export async function render() {
  const view = document.getElementById("view");
  const { path, query } = parse();
  const found = PAGES.map(([re, page]) => [path.match(re), page]).find(([m]) => m);
  const args = found ? found[0].slice(1).map(decodeURIComponent) : [];
  nav(path.startsWith("/w/") ? args[0] : null);
  who();
  if (!found) {
    view.replaceChildren(h("p", null, "No such page. ", link("/", "Workspaces")));
    return;
  }
  const asked = location.hash;
  try {
    const content = await found[1](...args, query);
    if (location.hash !== asked) return; // the person went elsewhere meanwhile
    view.replaceChildren(content);
  } catch (error) {
    view.replaceChildren(errorView(error));
  }
  document.title = `${view.querySelector("h1")?.textContent || "Memory inspector"} · asm`;
}

function errorView(error) {
  if (error instanceof ApiError && error.status === 401) {
    const stale = apiKey();
    setApiKey(null);
    who();
    return loginPage(stale ? "That key was not accepted." : null);
  }
  const text = error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);
  return h("section", null, h("h1", null, "Something went wrong"), h("p", { class: "error" }, text),
    h("p", null, link("/", "Back to the workspaces")));
}

export async function start() {
  window.addEventListener("hashchange", render);
  await render();
}

start();
