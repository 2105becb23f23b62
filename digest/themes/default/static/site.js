/* digest: small enhancements; every page works without them. */
(function () {
  "use strict";
  var store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* private mode, file:// */ } }
  };
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
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
