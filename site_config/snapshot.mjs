// Build-time memory snapshot of the started engine (CAP_SNAPSHOT=build, issue 18), with Node 20
// and the npm pyodide package, from the files the site ships:
//
//   node site_config/snapshot.mjs PYODIDE_DIR WHEEL QUESTIONNAIRE_JSON OUT_DIR
//
// Boots Pyodide from PYODIDE_DIR in snapshot-making mode, puts the wheel on sys.path, runs
// site_config/snapshot_preload.py, loads the questionnaire (cap.browser "init"), then writes
// OUT_DIR/snapshot-<sha256 of the gzipped file, 16 hex>.bin.gz and prints a JSON line.
//
// Deterministic: what differs between two runs is pinned while the snapshot is made (the hash
// seed, Python's random seed, the clock that stamps files and modules, the script's path that
// becomes sys.argv[0], the bytes the C library draws for its own random state). None of these
// is a secret in this engine; worker.js seeds Python's random again from the browser after a
// restore. Two builds of the same sources give the same file (checked by tests/e2e/test_snapshot.py).
import { readFileSync, writeFileSync } from "node:fs";
import nodeCrypto, { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheel, bundlePath, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node site_config/snapshot.mjs PYODIDE_DIR WHEEL QUESTIONNAIRE_JSON OUT_DIR");
  process.exit(2);
}
const here = new URL(".", import.meta.url);
const preload = readFileSync(new URL("snapshot_preload.py", here), "utf8");

// Pinned inputs (see above).
const EPOCH_MS = Date.UTC(2020, 0, 1);
Date.now = () => EPOCH_MS;
process.argv[1] = "snapshot.mjs";
let ticks = 0;
performance.now = () => ++ticks; // a clock that advances 1 ms per reading
let state = 0x9e3779b9;
nodeCrypto.randomFillSync = (array) => {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return array;
};

const dir = resolve(pyodideDir) + "/";
const { loadPyodide } = await import(pathToFileURL(join(dir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: dir,
  lockFileURL: join(dir, "cap-lock.json"),
  env: { PYTHONHASHSEED: "0" },
  stdout: () => {},
  stderr: (line) => console.error(line),
  _makeSnapshot: true,
});
pyodide.FS.writeFile("/lib/cap_en_ligne.whl", readFileSync(wheel));
pyodide.runPython(preload);
const call = pyodide.pyimport("cap.browser").call;
const reply = JSON.parse(call("init", `{"bundle":${readFileSync(bundlePath, "utf8")}}`));
if (!reply.ok) {
  console.error(reply.error.message);
  process.exit(1);
}
call.destroy();
const snapshot = pyodide.makeMemorySnapshot();
const gz = gzipSync(snapshot, { level: 9 });
const hash = createHash("sha256").update(gz).digest("hex").slice(0, 16);
const name = `snapshot-${hash}.bin.gz`;
writeFileSync(join(outDir, name), gz);
console.log(JSON.stringify({ file: name, bytes: snapshot.length, gzip: gz.length, info: reply.data }));
process.exit(0);
