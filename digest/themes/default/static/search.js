/* digest search: a few lines over the prebuilt index, which is many small files
   (static/search/<name>.js, each setting window.DIGEST_SEARCH_PARTS[name]; see
   digest/render/search_index.py). A query loads only the parts it needs, with <script> tags
   added on demand, so it works from file:// (no fetch). Results are built with textContent,
   never innerHTML. */
(function () {
  "use strict";
  var HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  var HAN_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;
  var WORD = /[a-z0-9]+(?:'[a-z]+)?/g;

  // Must match digest/render/search_index.py's stem().
  function stem(w) {
    w = w.toLowerCase();
    if (/'s$/.test(w)) w = w.slice(0, -2);
    if (w.length > 4 && /ies$/.test(w)) w = w.slice(0, -3) + "y";
    else if (/sses$/.test(w)) w = w.slice(0, -2);
    else if (w.length > 3 && /(s|x|z|ch|sh)es$/.test(w)) w = w.slice(0, -2);
    else if (w.length > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
    if (w.length > 5 && /ing$/.test(w)) w = w.slice(0, -3);
    else if (w.length > 4 && /ed$/.test(w)) w = w.slice(0, -2);
    return w;
  }

  function bigrams(s) {
    if (s.length <= 2) return [s];
    var out = [];
    for (var i = 0; i + 2 <= s.length; i++) out.push(s.slice(i, i + 2));
    return out;
  }

  function segmentHan(run) {
    var parts = [];
    if (window.Intl && Intl.Segmenter) {
      try {
        var seg = new Intl.Segmenter("zh", { granularity: "word" });
        var it = seg.segment(run)[Symbol.iterator](), r;
        while (!(r = it.next()).done) if (r.value.isWordLike !== false) parts.push(r.value.segment);
      } catch (e) { parts = []; }
    }
    // single characters are too loose: fall back to bigrams for them
    var out = [];
    if (!parts.length) return bigrams(run);
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].length >= 2) out.push(parts[i]);
    }
    return out.length ? out : bigrams(run);
  }

  // A query -> clauses; a document must satisfy every clause.
  function parse(q) {
    q = q.normalize ? q.normalize("NFKC").toLowerCase() : q.toLowerCase();
    var clauses = [], m;
    HAN_RUN.lastIndex = 0;
    while ((m = HAN_RUN.exec(q))) clauses.push({ han: m[0], parts: segmentHan(m[0]) });
    var rest = q.replace(HAN_RUN, " ");
    WORD.lastIndex = 0;
    while ((m = WORD.exec(rest))) clauses.push({ word: m[0], stem: stem(m[0]) });
    return clauses;
  }

  var PARTS = window.DIGEST_SEARCH_PARTS = window.DIGEST_SEARCH_PARTS || {};
  var own = Object.prototype.hasOwnProperty;

  // FNV-1a over UTF-16 code units: digest/render/search_index.py's part_hash
  function hash(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return h >>> 0;
  }

  // the shard counts: the search page's (data-shards, so that meta loads with the other parts
  // a query needs), else meta's
  var SHARDS = null;
  function partOf(kind, gram) { return kind + "-" + (hash(gram) % (SHARDS || PARTS.meta.s)[kind]); }

  function value(kind, gram) {
    var p = PARTS[partOf(kind, gram)];
    return p && own.call(p, gram) ? p[gram] : null;
  }

  // "doc:n;doc:n" -> {doc: n} (base 36)
  function counts(str) {
    var out = {};
    if (!str) return out;
    str.split(";").forEach(function (e) {
      var c = e.indexOf(":");
      out[parseInt(e.slice(0, c), 36)] = parseInt(e.slice(c + 1), 36);
    });
    return out;
  }

  // "doc:d,d;doc:d" -> {doc: {position: true}} (positions delta coded)
  function positions(str) {
    var out = {};
    if (!str) return out;
    str.split(";").forEach(function (e) {
      var c = e.indexOf(":"), at = 0, set = {};
      e.slice(c + 1).split(",").forEach(function (d) { at += parseInt(d, 36); set[at] = true; });
      out[parseInt(e.slice(0, c), 36)] = set;
    });
    return out;
  }

  function ids(str) {
    var out = {};
    if (str) str.split(";").forEach(function (d) { out[parseInt(d, 36)] = true; });
    return out;
  }

  // "doc:rest;doc:rest" -> {doc: rest}, the rest left unread
  function rows(str) {
    var out = {};
    if (str) str.split(";").forEach(function (e) {
      var c = e.indexOf(":");
      out[parseInt(e.slice(0, c), 36)] = e.slice(c + 1);
    });
    return out;
  }

  function decode(enc) {                 // "d,d,d" (base 36 deltas) -> ascending positions
    var at = 0;
    return enc.split(",").map(function (d) { return (at += parseInt(d, 36)); });
  }

  // each document's count of a Chinese run as String.split counts it (no overlaps), from the
  // positions of its character pairs: {doc: n}. Memoised for the query (cache).
  function runCounts(s, cache) {
    if (own.call(cache, s)) return cache[s];
    var out = cache[s] = {}, j, d;
    if (s.length === 1) return (cache[s] = counts(value("h", s)));
    var pairs = [];
    for (j = 0; j + 2 <= s.length; j++) pairs.push(rows(value("h", s.slice(j, j + 2))));
    if (s.length === 2 && s[0] !== s[1]) {          // every position is one occurrence
      for (d in pairs[0]) out[d] = pairs[0][d].split(",").length;
      return out;
    }
    for (d in pairs[0]) {
      var ok = true;
      for (j = 1; j < pairs.length && ok; j++) ok = own.call(pairs[j], d);
      if (!ok) continue;
      var later = [];
      for (j = 1; j < pairs.length; j++) {
        var set = {};
        decode(pairs[j][d]).forEach(function (p) { set[p] = true; });
        later.push(set);
      }
      var n = 0, next = -1;
      decode(pairs[0][d]).forEach(function (p) {
        if (p < next) return;
        for (var k = 0; k < later.length; k++) if (!later[k][p + k + 1]) return;
        n++; next = p + s.length;
      });
      if (n) out[d] = n;
    }
    return out;
  }

  // the documents that hold an English word as a substring of their lower-cased text: the
  // documents of every run of letters that contains it, found under one of its triples
  var COMMON = "etaoinsrhldcumfpgwybvkxjqz";
  function substringKey(word) {          // its rarest-looking triple: the fewest runs to read
    var best = null, score = -1;
    for (var i = 0; i + 3 <= word.length; i++) {
      var g = word.slice(i, i + 3), r = 0;
      for (var k = 0; k < 3; k++) r += COMMON.indexOf(g[k]) + 1;
      if (r > score) { score = r; best = g; }
    }
    return best;
  }

  function substringDocs(word) {
    var runs = value("w", substringKey(word)) || {}, out = {};
    Object.keys(runs).forEach(function (run) {
      if (run.indexOf(word) >= 0) Object.assign(out, ids(runs[run]));
    });
    return out;
  }

  // the pieces of the lower-cased query that find it in the titles: itself when it is 1-3
  // characters long, else its 3-character pieces at 0, 3, 6 ... and at the end (with their
  // offsets), which chained at their positions cover the whole query
  function titlePieces(qq) {
    if (qq.length <= 3) return [{ g: qq, at: 0 }];
    var out = [];
    for (var i = 0; i + 3 < qq.length; i += 3) out.push({ g: qq.slice(i, i + 3), at: i });
    out.push({ g: qq.slice(qq.length - 3), at: qq.length - 3 });
    return out;
  }

  // the documents whose title holds the whole query: {doc: true}
  function titleDocs(qq) {
    var pieces = titlePieces(qq);
    if (qq.length <= 3) return ids((value("t", qq) || "").replace(/:[^;]*/g, ""));
    var pos = pieces.map(function (p) { return positions(value("t", p.g)); }), out = {};
    Object.keys(pos[0]).forEach(function (d) {
      for (var j = 1; j < pos.length; j++) if (!own.call(pos[j], d)) return;
      for (var p in pos[0][d]) {
        p = +p;
        var all = true;
        for (j = 1; j < pos.length && all; j++) all = !!pos[j][d][p + pieces[j].at];
        if (all) { out[d] = true; return; }
      }
    });
    return out;
  }

  // the parts a query needs before it can be scored
  function partsFor(clauses, q) {
    var names = {};
    clauses.forEach(function (cl) {
      if (cl.han) {
        names[partOf("k", cl.han)] = true;
        if (cl.han.length === 1) names[partOf("h", cl.han)] = true;
        for (var j = 0; j + 2 <= cl.han.length; j++) names[partOf("h", cl.han.slice(j, j + 2))] = true;
        cl.parts.forEach(function (p) { if (p.length === 1) names[partOf("h", p)] = true; });
      } else {
        names[partOf("k", cl.stem)] = true;
        if (cl.word.length >= 3) names[partOf("w", substringKey(cl.word))] = true;
      }
    });
    var qq = q.toLowerCase();
    if (!/[\ud800-\udfff]/.test(qq)) titlePieces(qq).forEach(function (p) { names[partOf("t", p.g)] = true; });
    return Object.keys(names).sort();
  }

  // The hits of a query, scored and ordered as the whole-index search did (version 2, kept in
  // tests/render/search_v2_reference.js): need(names, done) loads parts. done({clauses, hits:
  // [{id, score}]}); the documents to show are loaded by the caller (part "d/<id>").
  function search(q, need, done) {
    var clauses = parse(q);
    if (!clauses.length) { done({ clauses: clauses, hits: [] }); return; }
    if (SHARDS) {                        // one round of loads: meta and the parts together
      need(["meta"].concat(partsFor(clauses, q)), function () {
        if (!PARTS.meta) { done(null); return; }
        var s = PARTS.meta.s, same = true;
        for (var kind in s) if (own.call(s, kind) && SHARDS[kind] !== s[kind]) same = false;
        if (same) { score(clauses, q, need, done); return; }
        SHARDS = null;                   // a page from another build: meta's counts, the parts again
        need(partsFor(clauses, q), function () { score(clauses, q, need, done); });
      });
      return;
    }
    need(["meta"], function () {
      if (!PARTS.meta) { done(null); return; }
      need(partsFor(clauses, q), function () { score(clauses, q, need, done); });
    });
  }

  function score(clauses, q, need, done) {
    var scores = {}, masks = {}, cache = {};
    function add(d, s, c) { scores[d] = (scores[d] || 0) + s; masks[d] = (masks[d] || 0) | (1 << c); }
    clauses.forEach(function (cl, c) {
      var d;
      if (cl.han) {
        var exact = runCounts(cl.han, cache), tf = counts(value("k", cl.han));
        for (d in exact) add(d, 10 * exact[d] + (tf[d] || 0), c);   // the exact run, a substring
        var parts = cl.parts.map(function (p) { return runCounts(p, cache); });   // else every segment / bigram
        for (d in parts[0]) {
          if (own.call(exact, d)) continue;
          var s = 0, all = true;
          for (var k = 0; k < parts.length; k++) {
            if (!own.call(parts[k], d)) { all = false; break; }
            s += parts[k][d];
          }
          if (all) add(d, s, c);
        }
      } else {
        var tf2 = counts(value("k", cl.stem));
        for (d in tf2) add(d, 10 * tf2[d], c);
        if (cl.word.length >= 3) {
          var sub = substringDocs(cl.word);
          for (d in sub) if (!own.call(tf2, d)) add(d, 1, c);
        }
      }
    });
    // a document is a hit when its article (in either language) satisfies every clause, so a
    // mixed query (京口 digital) finds the article in both languages; each shows what it matched
    var art = PARTS.meta.a.split(","), union = {}, d;
    for (d in masks) union[art[d]] = (union[art[d]] || 0) | masks[d];
    var want = clauses.length >= 31 ? -1 : (1 << clauses.length) - 1, hits = [];
    for (d in masks) {
      if (!masks[d] || (union[art[d]] & want) !== want) continue;
      hits.push({ id: +d, score: scores[d] + ((masks[d] & want) === want ? 20 : 0) });
    }
    // the whole query in the title ranks first: found with the title pieces, or (a query with
    // characters beyond U+FFFF, which the pieces do not hold) on the documents themselves
    var qq = q.toLowerCase(), plain = !/[\ud800-\udfff]/.test(qq), inTitle = plain ? titleDocs(qq) : {};
    need(plain ? [] : hits.map(function (h) { return "d/" + h.id.toString(36); }), function () {
      hits.forEach(function (h) {
        var doc = plain ? null : PARTS["d/" + h.id.toString(36)];
        if (plain ? inTitle[h.id] : (doc && doc.t.toLowerCase().indexOf(qq) >= 0)) h.score += 50;
      });
      hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });   // then newest, then by address
      done({ clauses: clauses, hits: hits });
    });
  }

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function highlighter(clauses) {
    var alts = [];
    clauses.forEach(function (c) {
      if (c.han) { alts.push(escapeRe(c.han)); c.parts.forEach(function (p) { alts.push(escapeRe(p)); }); }
      else { alts.push("\\b" + escapeRe(c.stem) + "[a-z']*"); if (c.stem !== c.word) alts.push("\\b" + escapeRe(c.word)); }
    });
    alts.sort(function (a, b) { return b.length - a.length; });
    return new RegExp("(" + alts.join("|") + ")", "gi");
  }

  // Append text to el, wrapping matches of re in <mark>: DOM nodes and textContent only.
  function appendMarked(el, text, re) {
    var last = 0, m;
    re.lastIndex = 0;
    while ((m = re.exec(text))) {
      if (!m[0].length) { re.lastIndex++; continue; }
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  // The part of text around the best place: the whole query as typed if it is there, else
  // where the most different query words fall within one window. A line break (between a
  // heading and the next paragraph) that ends no sentence becomes " · ".
  function snippet(text, re, width, phrase) {
    var lower = text.toLowerCase(), at = phrase ? lower.indexOf(phrase.toLowerCase()) : -1;
    if (at < 0) {
      var ms = [], m;
      re.lastIndex = 0;
      while ((m = re.exec(text))) {
        if (!m[0].length) { re.lastIndex++; continue; }
        ms.push({ i: m.index, w: m[0].toLowerCase() });
      }
      var best = -1;
      for (var a = 0; a < ms.length; a++) {
        var seen = {}, n = 0;
        for (var b = a; b < ms.length && ms[b].i < ms[a].i + width * 2; b++) {
          if (!seen[ms[b].w]) { seen[ms[b].w] = true; n++; }
        }
        if (n > best) { best = n; at = ms[a].i; }
      }
      if (at < 0) at = 0;
    }
    var start = Math.max(0, at - width), end = Math.min(text.length, at + width * 2);
    var part = text.slice(start, end).replace(/([^。！？；.!?;”’」』\s])[ \t]*\n\s*/g, "$1 · ");
    return (start > 0 ? "…" : "") + part.replace(/\s+/g, " ") + (end < text.length ? "…" : "");
  }

  // Load parts with <script> tags (works from file://); done() once all have arrived or failed.
  function scriptLoader(base) {
    var pending = {};
    return function need(names, done) {
      var left = 0;
      function one() { if (--left === 0) done(); }
      names.forEach(function (name) {
        if (own.call(PARTS, name)) return;
        left++;
        if (pending[name]) { pending[name].push(one); return; }
        pending[name] = [one];
        var el = document.createElement("script");
        el.src = base + name + ".js";
        el.onload = el.onerror = function () {
          var waiting = pending[name];
          delete pending[name];
          if (!own.call(PARTS, name)) PARTS[name] = null;        // missing: never asked again
          waiting.forEach(function (f) { f(); });
        };
        document.head.appendChild(el);
      });
      if (!left) done();
    };
  }

  var SHOWN = 50, FIRST = 10;      // results listed; the first ones are shown before the others load

  function show(res, q, root, list, status, upto) {
    var re = highlighter(res.clauses);
    list.textContent = "";
    res.hits.slice(0, upto).forEach(function (h) {
      var doc = PARTS["d/" + h.id.toString(36)];
      if (!doc) return;
      var li = document.createElement("li");
      var lang = document.createElement("span");
      lang.className = "r-lang";
      lang.textContent = doc.l === "zh" ? "中文" : "EN";
      var a = document.createElement("a");
      a.className = "r-title";
      a.href = root + doc.u;
      a.setAttribute("lang", doc.l === "zh" ? "zh-Hans" : "en");
      appendMarked(a, doc.t, re);
      var p = document.createElement("p");
      p.className = "r-snip";
      p.setAttribute("lang", doc.l === "zh" ? "zh-Hans" : "en");
      appendMarked(p, snippet(doc.x, re, doc.l === "zh" ? 40 : 80, q), re);
      li.appendChild(lang); li.appendChild(a);
      if (doc.d) {                        // the article's date, as on the cards
        var when = document.createElement("time");
        when.className = "r-date";
        when.setAttribute("datetime", doc.d);
        when.textContent = doc.d;
        li.appendChild(when);
      }
      li.appendChild(p);
      list.appendChild(li);
    });
    status.textContent = res.hits.length === 1 ? status.getAttribute("data-one")
                       : res.hits.length ? res.hits.length + " " + status.getAttribute("data-some")
                       : status.getAttribute("data-none");
    status.setAttribute("data-count", String(res.hits.length));
  }

  function run() {
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status"), input = document.getElementById("q");
    if (!list || !status || !list.getAttribute("data-parts")) return;
    var base = list.getAttribute("data-parts"), shards = list.getAttribute("data-shards");
    if (shards && /^([a-z]:[1-9][0-9]*,?)+$/.test(shards)) {
      SHARDS = {};
      shards.split(",").forEach(function (kv) { SHARDS[kv[0]] = +kv.slice(2); });
    }
    var params = new URLSearchParams(location.search), q = (params.get("q") || "").trim();
    if (input) input.value = q;
    var top = document.getElementById("q-top");
    if (top) top.value = q;
    if (!q) return;
    var root = document.body.getAttribute("data-root") || "", need = scriptLoader(base);
    function docs(from, to) {
      return res.hits.slice(from, to).map(function (h) { return "d/" + h.id.toString(36); });
    }
    var res;
    // the documents of the first results are read first and shown at once (each is a script
    // to load), then those of the others, and the list is shown again with them
    search(q, need, function (found) {
      if (!(res = found)) return;
      need(docs(0, FIRST), function () {
        show(res, q, root, list, status, FIRST);
        if (res.hits.length > FIRST) need(docs(FIRST, SHOWN), function () { show(res, q, root, list, status, SHOWN); });
      });
    });
  }

  window.DIGEST_SEARCH_API = { search: search, parse: parse, stem: stem, hash: hash, parts: PARTS };
  if (document.readyState !== "loading") run(); else document.addEventListener("DOMContentLoaded", run);
})();
