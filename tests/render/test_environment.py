"""The theme's Jinja2 environment: ``x.name`` on a dict is looked up faster but means what it
meant; the packaged templates skip a macro call only where the macro makes nothing."""
from __future__ import annotations

import re
import shutil

import jinja2
from hypothesis import example, given, strategies as st

from digest.render.environment import make_env
from digest.settings import PACKAGE_THEMES
from sitedata import build
from test_marking import site as marking_site

NAMES = st.one_of(st.sampled_from(["items", "keys", "get", "values", "copy", "__class__", "__len__",
                                   "href", "label", "mro", "fromkeys"]),
                  st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True))


def _render(env: jinja2.Environment, source: str, **context) -> str:
    try:
        return env.from_string(source).render(**context)
    except jinja2.UndefinedError:
        return "<undefined>"


@given(st.dictionaries(NAMES, st.one_of(st.none(), st.integers(), st.text(max_size=5))), NAMES)
@example({"items": "mine", "href": "a.html"}, "items")       # a dict method wins, as in Jinja2
@example({"href": "<b>"}, "href")
@example({}, "label")                                          # missing: undefined, as in Jinja2
def test_attribute_of_a_dict_is_what_jinja2_makes_of_it(d, name):
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    ours = make_env(PACKAGE_THEMES / "default")
    for source in ("{{ d.%s }}" % name, "{{ d.%s is defined }}" % name, "{{ d.%s | string | length }}" % name):
        assert _render(ours, source, d=d) == _render(plain, source, d=d), source


def test_other_objects_keep_jinja2s_attribute_lookup():
    env = make_env(PACKAGE_THEMES / "default")

    class Thing(dict):
        label = "attribute"

    assert env.from_string("{{ t.label }} {{ n.real }}").render(t=Thing(label="key"), n=3) == "attribute 3"


def test_block_marks_are_the_same_without_the_test_before_the_macro(tmp_path):
    # article.html and parallel.html call the marks macro only for a block it marks: the same
    # pages as calling it for every block (human, mixed, machine, flagged, stale blocks)
    theme = tmp_path / "theme"
    shutil.copytree(PACKAGE_THEMES / "default", theme)
    for name in ("article.html", "parallel.html"):
        p = theme / "templates" / name
        text = p.read_text(encoding="utf-8")
        text, n = re.subn(r"\{% if [^%]*%\}(\{\{ m\.marks\([br], translator\) \}\})\{% endif %\}", r"\1", text)
        assert n == 2
        p.write_text(text, encoding="utf-8")
    guarded = build(tmp_path / "a", site=marking_site())[0]
    every = build(tmp_path / "b", site=marking_site(), theme=str(theme))[0]
    pages = sorted(p.relative_to(guarded).as_posix() for p in guarded.rglob("*.html"))
    assert {"en/marked.html", "parallel/marked.html", "parallel/all-human.html"} <= set(pages)
    assert "mark-human" in (guarded / "parallel/marked.html").read_text(encoding="utf-8")
    for page in pages:
        assert (guarded / page).read_bytes() == (every / page).read_bytes(), page
