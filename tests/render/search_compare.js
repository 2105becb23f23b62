/* Run a list of queries through the sharded search (digest/themes/default/static/search.js,
   parts read from a folder) and the version 2 search over every document
   (tests/render/search_v2_reference.js), in node.
   node search_compare.js <search.js> <reference.js> <parts folder> <docs.json> <queries.json>
   prints {query: {old: [[url, score]...], new: [[url, score]...], parts: [names loaded]}} */
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");
const [searchJs, refJs, dir, docsFile, queriesFile] = process.argv.slice(2);

function sandbox() {
  const ctx = { document: { readyState: "complete", getElementById: () => null },
                location: { search: "" }, URLSearchParams, Intl, console };
  ctx.window = ctx;
  return vm.createContext(ctx);
}

const ref = sandbox();
ref.DIGEST_SEARCH_SHARDS = [{ docs: JSON.parse(fs.readFileSync(docsFile, "utf8")) }];
vm.runInContext(fs.readFileSync(refJs, "utf8"), ref);
const refIndex = ref.DIGEST_SEARCH_API.loadIndex();

const out = {};
for (const q of JSON.parse(fs.readFileSync(queriesFile, "utf8"))) {
  const cur = sandbox();                        // a fresh page per query: count what it loads
  vm.runInContext(fs.readFileSync(searchJs, "utf8"), cur);
  const loaded = [];
  const need = (names, done) => {
    for (const name of names) {
      if (Object.prototype.hasOwnProperty.call(cur.DIGEST_SEARCH_PARTS, name)) continue;
      const file = path.join(dir, name + ".js");
      if (fs.existsSync(file)) { vm.runInContext(fs.readFileSync(file, "utf8"), cur); loaded.push(name); }
      else cur.DIGEST_SEARCH_PARTS[name] = null;
    }
    done();
  };
  let result = null;
  cur.DIGEST_SEARCH_API.search(q, need, (res) => { result = res; });
  need(result.hits.slice(0, 50).map((h) => "d/" + h.id.toString(36)), () => {});
  const parts = loaded.slice();                 // what a page loads: the query's parts, the top 50
  need(result.hits.map((h) => "d/" + h.id.toString(36)), () => {});
  const old = ref.DIGEST_SEARCH_API.search(refIndex, q);
  out[q] = {
    old: old.hits.map((h) => [h.doc.u, h.score]),
    new: result.hits.map((h) => [cur.DIGEST_SEARCH_PARTS["d/" + h.id.toString(36)].u, h.score]),
    parts: parts,
  };
}
process.stdout.write(JSON.stringify(out));
