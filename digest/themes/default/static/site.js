/* digest: small enhancements; every page works without them. */
(function () {
  "use strict";
  var store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* private mode, file:// */ } }
  };
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  // Pinyin for learners: <slug>.pinyin.js calls this with {element id: [[text, "syllables"], ...]}.
  // Each word is found in the element's text, in order, and set as <ruby> (built with
  // createElement and textContent, never innerHTML).
  function zhOnly(els) {
    return Array.prototype.filter.call(els, function (el) {
      var l = el.closest("[lang]");
      return l && l.getAttribute("lang") === "zh-Hans";
    });
  }
  function pinyinTargets(key) {
    if (key === "title") return zhOnly(document.querySelectorAll("h1.title"));
    if (key === "subtitle") return zhOnly(document.querySelectorAll("p.subtitle"));
    var el = document.getElementById(key);
    if (!el) return [];
    if (el.classList.contains("prow")) el = el.querySelector(".zh");
    return el ? zhOnly([el]) : [];
  }
  function rubyOf(word, readings) {
    var ruby = document.createElement("ruby"), syl = readings.split(" ");
    for (var i = 0; i < word.length; i++) {
      ruby.appendChild(document.createTextNode(word.charAt(i)));
      var rt = document.createElement("rt");
      rt.textContent = syl[i] || "";
      ruby.appendChild(rt);
    }
    return ruby;
  }
  function addRuby(el, words) {
    if (el.getAttribute("data-pinyin")) return;
    el.setAttribute("data-pinyin", "1");
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest("rt, .pair, .mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [], n, k = 0;
    while ((n = walker.nextNode())) nodes.push(n);
    nodes.forEach(function (node) {
      var text = node.data, pos = 0, frag = document.createDocumentFragment(), changed = false;
      while (k < words.length) {
        var at = text.indexOf(words[k][0], pos);
        if (at < 0) break;
        if (at > pos) frag.appendChild(document.createTextNode(text.slice(pos, at)));
        frag.appendChild(rubyOf(words[k][0], words[k][1]));
        pos = at + words[k][0].length;
        k++;
        changed = true;
      }
      if (!changed) return;
      if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
      node.parentNode.replaceChild(frag, node);
    });
  }
  window.digestPinyin = function (data) {
    Object.keys(data).forEach(function (key) {
      pinyinTargets(key).forEach(function (el) { addRuby(el, data[key]); });
    });
    document.body.classList.add("pinyin-ready");
  };

  ready(function () {
    // Pinyin switch (Chinese and side-by-side pages): off by default, remembered like the other
    // view settings; the readings are loaded the first time it is switched on.
    var py = document.getElementById("pinyin-switch");
    if (py) {
      var loaded = false;
      var setPinyin = function (on) {
        document.body.classList.toggle("pinyin-on", on);
        py.setAttribute("aria-pressed", on ? "true" : "false");
        if (on && !loaded) {
          loaded = true;
          var s = document.createElement("script");
          s.src = py.getAttribute("data-src");
          document.head.appendChild(s);
        }
      };
      py.hidden = false;
      py.addEventListener("click", function () {
        var on = !document.body.classList.contains("pinyin-on");
        store.set("digest-pinyin", on ? "on" : "off");
        setPinyin(on);
      });
      if (store.get("digest-pinyin") === "on") setPinyin(true);
    }

    // Side-by-side view: a sentence and its pair in the other language are highlighted together,
    // on hover, on tap, and on keyboard focus (Tab reaches each Chinese sentence; Escape clears).
    var sentences = document.querySelectorAll(".parallel .s[data-s]");
    if (sentences.length) {
      var lit = [];
      var light = function (key) {
        lit.forEach(function (el) { el.classList.remove("hl"); });
        lit = key ? Array.prototype.slice.call(document.querySelectorAll('.s[data-s="' + key + '"]')) : [];
        lit.forEach(function (el) { el.classList.add("hl"); });
      };
      var keyOf = function (e) {
        var el = e.target && e.target.closest ? e.target.closest(".s[data-s]") : null;
        return el ? el.getAttribute("data-s") : null;
      };
      Array.prototype.forEach.call(sentences, function (el) {
        if (el.closest(".zh")) el.setAttribute("tabindex", "0");
      });
      var root = document.querySelector(".parallel");
      root.addEventListener("mouseover", function (e) { var k = keyOf(e); if (k) light(k); });
      root.addEventListener("mouseout", function (e) { if (keyOf(e)) light(null); });
      root.addEventListener("focusin", function (e) { light(keyOf(e)); });
      root.addEventListener("focusout", function () { light(null); });
      root.addEventListener("click", function (e) { var k = keyOf(e); if (k) light(k); });
      document.addEventListener("keydown", function (e) { if (e.key === "Escape") light(null); });
    }

    // Parallel view: remember the reader's choice of languages and layout.
    ["view", "layout"].forEach(function (name) {
      var saved = store.get("digest-" + name);
      if (saved) {
        var el = document.getElementById(name + "-" + saved);
        if (el) el.checked = true;
      }
      var radios = document.querySelectorAll('input[name="' + name + '"]');
      Array.prototype.forEach.call(radios, function (r) {
        r.addEventListener("change", function () { if (r.checked) store.set("digest-" + name, r.value); });
      });
    });

    // Article pages: the language switch keeps the reader's place (the section in view).
    var sw = document.getElementById("lang-switch");
    if (sw) {
      var base = sw.getAttribute("href").split("#")[0];
      var anchors = Array.prototype.slice.call(document.querySelectorAll(".body [id]"));
      var update = function () {
        var current = null;
        // the section the reader jumped to, while it is on screen (near the end of a page it cannot reach the top)
        var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
        if (target && anchors.indexOf(target) >= 0) {
          var r = target.getBoundingClientRect();
          if (r.top >= 0 && r.top < window.innerHeight) { sw.setAttribute("href", base + location.hash); return; }
        }
        for (var i = 0; i < anchors.length; i++) {
          if (anchors[i].getBoundingClientRect().top <= 80) current = anchors[i].id; else break;
        }
        if (!current && location.hash) current = location.hash.slice(1);
        sw.setAttribute("href", current ? base + "#" + current : base);
      };
      window.addEventListener("scroll", update, { passive: true });
      window.addEventListener("hashchange", update);
      update();
    }
  });
})();
