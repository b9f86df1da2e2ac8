// Exit 0 when node_modules holds exactly what package-lock.json pins (as `npm ci` installs it),
// 1 with the reason otherwise. Used by scripts/ensure_node_deps.sh and the Python test wrapper.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const installed = join(root, "node_modules", ".package-lock.json");
function stale(reason) {
  console.error(`clients/typescript/node_modules is stale: ${reason}`);
  process.exit(1);
}
if (!existsSync(installed)) stale("not installed");
const wanted = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages;
const have = JSON.parse(readFileSync(installed, "utf8")).packages;
for (const [path, meta] of Object.entries(wanted)) {
  if (path === "") continue;
  if (have[path]?.version !== meta.version)
    stale(`${path} ${have[path]?.version ?? "missing"}, want ${meta.version}`);
  if (!existsSync(join(root, path, "package.json"))) stale(`${path} is missing on disk`);
}
