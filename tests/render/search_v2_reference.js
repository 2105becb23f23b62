/* The search of index version 2 (every document in memory), kept verbatim as the reference
   tests/render/test_search_parts.py compares the sharded search with: same hits, same order. */
/* digest search: a few lines over the prebuilt index, loaded before this file as shards
   (search-index-<n>.js, each pushing {docs: [...]} onto window.DIGEST_SEARCH_SHARDS).
   Works from file:// (no fetch). Results are built with textContent, never innerHTML. */
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

  // a document's count of a term (jieba token or English stem), from the prebuilt index
  function tf(doc, term) {
    return (doc.k && Object.prototype.hasOwnProperty.call(doc.k, term)) ? doc.k[term] : 0;
  }

  function search(index, q) {
    var clauses = parse(q);
    if (!clauses.length) return { clauses: clauses, hits: [] };
    // each document: which clauses it satisfies, and its score for them
    var found = [], union = {};
    for (var d = 0; d < index.docs.length; d++) {
      var doc = index.docs[d], hay = (doc.t + "\n" + doc.x).toLowerCase(), score = 0, mask = 0;
      for (var c = 0; c < clauses.length; c++) {
        var cl = clauses[c];
        if (cl.han) {
          var n = hay.split(cl.han).length - 1;          // the exact run, a substring: 口区 finds 京口区
          if (n) { score += 10 * n + tf(doc, cl.han); mask |= 1 << c; continue; }
          var all = true, s = 0;                          // else every segment / bigram
          for (var k = 0; k < cl.parts.length; k++) {
            var cnt = hay.split(cl.parts[k]).length - 1;
            if (!cnt) { all = false; break; }
            s += cnt;
          }
          if (all) { score += s; mask |= 1 << c; }
        } else {
          var n2 = tf(doc, cl.stem);
          if (n2) { score += 10 * n2; mask |= 1 << c; continue; }
          if (cl.word.length >= 3 && hay.indexOf(cl.word) >= 0) { score += 1; mask |= 1 << c; }
        }
      }
      var art = doc.u.replace(/^[a-z]+\//, "");           // zh/<slug>.html and en/<slug>.html: one article
      union[art] = (union[art] || 0) | mask;
      found.push({ doc: doc, art: art, mask: mask, score: score });
    }
    // a document is a hit when its article (in either language) satisfies every clause, so a
    // mixed query (京口 digital) finds the article in both languages; each shows what it matched
    var want = clauses.length >= 31 ? -1 : (1 << clauses.length) - 1, hits = [];
    found.forEach(function (f) {
      if (!f.mask || (union[f.art] & want) !== want) return;
      var own = (f.mask & want) === want ? 20 : 0;         // matching everything itself ranks first
      hits.push({ doc: f.doc, score: f.score + own + (f.doc.t.toLowerCase().indexOf(q.toLowerCase()) >= 0 ? 50 : 0) });
    });
    hits.sort(function (a, b) {          // best first, then newest, then by address: the same order whatever the shards
      return b.score - a.score || (a.doc.d < b.doc.d ? 1 : a.doc.d > b.doc.d ? -1 : 0) ||
             (a.doc.u < b.doc.u ? -1 : a.doc.u > b.doc.u ? 1 : 0);
    });
    return { clauses: clauses, hits: hits };
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

  // every shard's documents in one list (null when no shard has loaded)
  function loadIndex() {
    var shards = window.DIGEST_SEARCH_SHARDS;
    if (!shards || !shards.length) return null;
    var docs = [];
    for (var i = 0; i < shards.length; i++) docs = docs.concat(shards[i].docs || []);
    return { docs: docs };
  }

  function run() {
    var index = loadIndex(), list = document.getElementById("search-results");
    var status = document.getElementById("search-status"), input = document.getElementById("q");
    if (!list || !status || !index) return;
    var params = new URLSearchParams(location.search), q = (params.get("q") || "").trim();
    if (input) input.value = q;
    var top = document.getElementById("q-top");
    if (top) top.value = q;
    if (!q) return;
    var res = search(index, q), root = document.body.getAttribute("data-root") || "";
    var re = highlighter(res.clauses);
    list.textContent = "";
    res.hits.slice(0, 50).forEach(function (h) {
      var li = document.createElement("li");
      var lang = document.createElement("span");
      lang.className = "r-lang";
      lang.textContent = h.doc.l === "zh" ? "中文" : "EN";
      var a = document.createElement("a");
      a.className = "r-title";
      a.href = root + h.doc.u;
      a.setAttribute("lang", h.doc.l === "zh" ? "zh-Hans" : "en");
      appendMarked(a, h.doc.t, re);
      var p = document.createElement("p");
      p.className = "r-snip";
      p.setAttribute("lang", h.doc.l === "zh" ? "zh-Hans" : "en");
      appendMarked(p, snippet(h.doc.x, re, h.doc.l === "zh" ? 40 : 80, q), re);
      li.appendChild(lang); li.appendChild(a);
      if (h.doc.d) {                      // the article's date, as on the cards
        var when = document.createElement("time");
        when.className = "r-date";
        when.setAttribute("datetime", h.doc.d);
        when.textContent = h.doc.d;
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

  window.DIGEST_SEARCH_API = { search: search, parse: parse, stem: stem, loadIndex: loadIndex };
  if (document.readyState !== "loading") run(); else document.addEventListener("DOMContentLoaded", run);
})();
