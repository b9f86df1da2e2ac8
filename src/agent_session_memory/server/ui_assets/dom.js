// Building the page from data without innerHTML: every value is text, never markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function table(headers, rows, attrs) {
  return h("table", attrs,
    h("thead", null, h("tr", null, headers.map((t) => h("th", null, t)))),
    h("tbody", null, rows));
}

export function enc(value) {
  return encodeURIComponent(value);
}

export function link(path, text, attrs) {
  return h("a", { href: "#" + path, ...(attrs || {}) }, text);
}

export function badge(text, kind) {
  return h("span", { class: `badge ${kind || text}` }, text);
}

export function when(iso) {
  if (!iso) return h("span", { class: "muted" }, "–");
  const date = new Date(iso);
  return h("time", { datetime: iso, title: date.toISOString() }, ago(date));
}

export function ago(date) {
  const s = (Date.now() - date.getTime()) / 1000;
  const future = s < 0;
  const text = duration(Math.abs(s));
  return future ? `in ${text}` : `${text} ago`;
}

export function duration(seconds) {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function json(value) {
  return h("pre", { class: "json" }, JSON.stringify(value, null, 2));
}

export function num(value, digits = 3) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

// A destructive action runs only after the person confirms it in the dialog.
export function confirmAction(title, text, label) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = label || "Confirm";
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}
