// A real `asm serve` on loopback for the tests: a fresh memory home, a free port, open mode or
// with an API key. The Python interpreter comes from ASM_PYTHON (default: python3).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PYTHON = process.env.ASM_PYTHON || "python3";

function asm(home, ...args) {
  return [PYTHON, ["-m", "agent_session_memory.cli", "--path", home, ...args]];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Create an API key reaching `workspaces` in `home`; returns the key. */
export function createKey(home, workspaces, name = "ts-tests") {
  const [cmd, args] = asm(
    home,
    "keys",
    "create",
    "--name",
    name,
    ...workspaces.flatMap((w) => ["--workspace", w]),
  );
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * Start `asm serve`; resolves to { url, home, stop }. `open: false` needs keys (see createKey,
 * called with `prepare(home)` before the server starts).
 */
export async function startServer({ open = true, prepare } = {}) {
  const home = mkdtempSync(join(tmpdir(), "asm-ts-"));
  const prepared = prepare ? prepare(home) : undefined;
  const port = await freePort();
  const [cmd, args] = asm(
    home,
    "serve",
    "--port",
    String(port),
    "--sweep-interval",
    "0",
    ...(open ? ["--open"] : []),
  );
  const child = spawn(cmd, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AGENT_MEMORY_OPEN: "" },
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `asm serve exited with ${child.exitCode} (is ASM_PYTHON=${PYTHON} right?):\n${output}`,
      );
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`asm serve did not answer on ${url} within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, home, stop, prepared, output: () => output };
}
