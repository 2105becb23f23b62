"""Pinyin switch and sentence pairs in a real browser, driven from file://.

Headless Debian chromium is driven over the DevTools protocol through a pipe
(``--remote-debugging-pipe``: JSON messages on file descriptors 3 and 4), so the test
can click, move the mouse and press Tab without a driver or another Python package.
The site is the one tests/test_browser.py builds (the real pipeline on the seeds).
Screenshots go to tests/screenshots/ (git-ignored).
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import time

import pytest

from test_browser import CHROMIUM, FLAGS, SHOTS, file_url, site  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")]


class Browser:
    """One chromium with one page, spoken to over the DevTools pipe."""

    def __init__(self, profile_dir: str):
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds() -> None:                    # the child: the protocol on fds 3 (in) and 4 (out)
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}",
                                      "--remote-debugging-pipe", "about:blank"],
                                     preexec_fn=fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.session = None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def call(self, method: str, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            while b"\0" not in self._buf:
                chunk = os.read(self._r, 1 << 16)
                assert chunk, "chromium closed the DevTools pipe"
                self._buf += chunk
            raw, self._buf = self._buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._id:
                assert "error" not in reply, (method, reply["error"])
                return reply.get("result", {})
        raise AssertionError(f"no reply to {method}")

    def js(self, expr: str):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    def wait(self, expr: str, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.js(expr):
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expr}")

    def open(self, url: str, width: int = 1280, height: int = 1000) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)
        self.call("Page.navigate", url=url)
        self.wait(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        (SHOTS / name).write_bytes(data)
        assert len(data) > 5000

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:
            pass
        self.proc.wait(timeout=30)
        os.close(self._w)
        os.close(self._r)


@pytest.fixture
def browser(profile):  # noqa: F811
    b = Browser(profile)
    yield b
    b.close()


def _first(site, folder: str):  # noqa: F811
    return sorted(p for p in (site / folder).glob("*.html") if p.name not in ("index.html", "search.html"))[0]


def test_pinyin_switch(site, browser):  # noqa: F811
    url = file_url(_first(site, "zh"))
    browser.open(url)
    assert browser.js("document.querySelectorAll('ruby').length") == 0       # off by default
    assert browser.js("!document.getElementById('pinyin-switch').hidden")
    assert browser.js("!document.querySelector('script[src$=\".pinyin.js\"]')")   # not loaded
    browser.js("document.getElementById('pinyin-switch').click()")
    browser.wait("document.querySelectorAll('.body ruby').length > 20")
    rubies = browser.js("Array.from(document.querySelectorAll('.body ruby')).map(r => "
                        "[Array.from(r.childNodes).filter(n => n.nodeType === 3).map(n => n.data).join(''),"
                        " Array.from(r.querySelectorAll('rt')).map(t => t.textContent)])")
    for text, rts in rubies:
        assert len(text) == len(rts) and all(rts)                       # one syllable per character
        assert not any(ch in "0123456789零一二三四五六七八九十百千万亿" for ch in text) or len(text) > 1
    # the text is unchanged, the readings are only added
    assert browser.js("getComputedStyle(document.querySelector('.body p')).lineHeight") not in ("normal", "")
    browser.shot("pinyin-zh.png")
    # remembered: the next page opens with pinyin on
    browser.open(file_url(site / "parallel" / _first(site, "zh").name), width=1400)
    browser.wait("document.querySelectorAll('.parallel .zh ruby').length > 20")
    assert browser.js("document.querySelectorAll('.parallel .en ruby').length") == 0
    browser.shot("pinyin-parallel.png")
    browser.js("document.getElementById('pinyin-switch').click()")         # and off again
    assert browser.js("getComputedStyle(document.querySelector('rt')).display") == "none"
    browser.open(url)
    assert browser.js("document.querySelectorAll('ruby').length") == 0


def test_sentence_highlight(site, browser):  # noqa: F811
    browser.open(file_url(site / "parallel" / _first(site, "zh").name), width=1400)
    assert browser.js("document.querySelectorAll('.parallel .zh .s[data-s]').length") > 5
    # hover: the mouse over a Chinese sentence lights its English
    box = browser.js("(() => { const el = document.querySelectorAll('.parallel .zh .s[data-s]')[2];"
                     " el.scrollIntoView({block: 'center'}); const r = el.getClientRects()[0];"
                     " return [r.left + 5, r.top + r.height / 2, el.dataset.s]; })()")
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=box[0], y=box[1])
    lit = browser.js("Array.from(document.querySelectorAll('.s.hl')).map(e => [e.closest('[lang]').lang, e.dataset.s])")
    assert sorted(lit) == [["en", box[2]], ["zh-Hans", box[2]]]
    browser.shot("sentence-hover.png")
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=2, y=2)
    assert browser.js("document.querySelectorAll('.s.hl').length") == 0
    # keyboard: Tab until a sentence has the focus; its pair lights up
    for _ in range(60):
        browser.call("Input.dispatchKeyEvent", type="keyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9)
        browser.call("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9)
        if browser.js("!!(document.activeElement && document.activeElement.matches('.s[data-s]'))"):
            break
    key = browser.js("document.activeElement.dataset.s")
    assert key and browser.js(f"document.querySelectorAll('.s.hl[data-s=\"{key}\"]').length") == 2
    browser.shot("sentence-keyboard.png")
    browser.call("Input.dispatchKeyEvent", type="keyDown", key="Escape", code="Escape", windowsVirtualKeyCode=27)
    assert browser.js("document.querySelectorAll('.s.hl').length") == 0
