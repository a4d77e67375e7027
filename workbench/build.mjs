// Bundles the Workbench page into runtime/motia/workbench/static/: index.html, workbench.js and
// workbench.css, nothing else. The output depends on the sources only (no timestamps, no absolute
// paths), so two builds of the same sources are byte-identical.
import { build } from "esbuild";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "runtime", "motia", "workbench", "static");

await mkdir(out, { recursive: true });
for (const name of await readdir(out)) {
  await rm(join(out, name), { recursive: true, force: true });
}

const result = await build({
  absWorkingDir: here,
  entryPoints: { workbench: "src/main.js" },
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "eof", // the bundled libraries' license notices stay with them
  sourcemap: false,
  charset: "utf8",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".css": "css" },
  outdir: "out",
  write: false,
  logLevel: "warning",
});

const expected = new Set(["workbench.js", "workbench.css"]);
for (const file of result.outputFiles) {
  const name = file.path.split(/[\\/]/).pop();
  if (!expected.has(name)) throw new Error(`unexpected build output: ${name}`);
  expected.delete(name);
  await writeFile(join(out, name), file.contents);
}
if (expected.size) throw new Error(`missing build output: ${[...expected].join(", ")}`);

await writeFile(join(out, "index.html"), await readFile(join(here, "index.html")));

for (const name of (await readdir(out)).sort()) {
  const size = (await readFile(join(out, name))).length;
  console.log(`${name.padEnd(14)} ${String(size).padStart(8)} bytes`);
}
