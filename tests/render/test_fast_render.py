"""The render stage's shortcuts make the pages Jinja2 and markupsafe make without them.

``render_site(..., fast=False)`` renders with Jinja2's own environment and every page context
built plainly; the default renders with the shortcuts (escaping without a Markup per
``{{ x }}``, shared parts made once). Every file of several sites must be the same bytes:
the hand-made site with hostile text, the marking site (human, mixed, flagged, stale) and
a site made of real news text never seen by this project (WMT21, read at run time)."""
from __future__ import annotations

import random
from pathlib import Path

import jinja2
import markupsafe
import pytest
from hypothesis import example, given, strategies as st
from markupsafe import Markup

from digest.article import Article, Block, HumanIssue, SentenceFlag, Translation
from digest.errors import Reporter
from digest.render import render_site
from digest.render.environment import make_env, output_escape
from digest.settings import PACKAGE_THEMES, Settings
from digest.sitedata import SiteData, sort_articles
from sitedata import REPO, make_site
from test_marking import site as marking_site

WMT = next((p / "shared" / "bench" / "mt" for p in (REPO.parent, REPO.parent.parent)
            if (p / "shared" / "bench" / "mt" / "newstest2021.zh-en.zh").is_file()), None)


class Html:
    """An object that says it is HTML (as Markup does)."""

    def __init__(self, s: str) -> None:
        self.s = s

    def __html__(self) -> str:
        return self.s


VALUES = st.one_of(st.text(), st.text().map(Markup), st.text().map(markupsafe.escape),
                   st.integers(), st.floats(allow_nan=False), st.none(), st.booleans(),
                   st.text().map(Html), st.lists(st.text(max_size=3), max_size=3))


@given(VALUES)
@example("<a href='x'>&amp; \"q\"</a>")
@example(Markup("<b>already</b> &lt;"))
@example(Html("<i>as is</i>"))
def test_output_escape_writes_what_markupsafe_escape_writes(value):
    assert output_escape(value) == str(markupsafe.escape(value))


def test_undefined_is_still_an_error():
    env = make_env(PACKAGE_THEMES / "default")
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()


TEMPLATE = """{% macro m(x) %}<m>{{ x }}</m>{% endmacro %}\
{% set s %}<s>{{ a }}</s>{% endset %}\
<p title="{{ a }}">{{ a }}{{ b }}{{ a ~ b }}{{ m(a) }}{{ s }}{{ [a, b]|join(c) }}\
{% filter upper %}{{ b }}{% endfilter %}{{ a|e }}{{ c|safe }}{{ (a|string)[:2] }}</p>"""


@given(VALUES, VALUES, st.one_of(st.text(), st.text().map(Markup)))
@example("<x>", Markup("<y>"), "&")
def test_a_template_renders_the_same_with_and_without_the_shortcuts(a, b, c):
    ours = make_env(PACKAGE_THEMES / "default").from_string(TEMPLATE)
    plain = make_env(PACKAGE_THEMES / "default", fast=False).from_string(TEMPLATE)
    assert type(plain.environment) is jinja2.Environment
    assert ours.render(a=a, b=b, c=c) == plain.render(a=a, b=b, c=c)


def wmt_site(n_articles: int = 30, seed: int = 5) -> SiteData:
    """Articles of real news text (WMT21 zh with its reference English), in every state a
    page can show: machine, human, mixed, flagged, stale, untranslated, Markdown, HTML."""
    zh_lines = (WMT / "newstest2021.zh-en.zh").read_text(encoding="utf-8").splitlines()
    en_lines = (WMT / "newstest2021.zh-en.en").read_text(encoding="utf-8").splitlines()
    rng = random.Random(seed)
    vocab = ["经济", "科技", "教育", "健康", "城市", "国际", "体育", "文化", "<b>标签</b>", "A&B"]
    short = [i for i, s in enumerate(zh_lines) if 4 <= len(s) <= 30]
    articles, translations, keywords = [], {}, {}
    pos = 0
    for k in range(n_articles):
        blocks, en_blocks, origins, sentences = [], [], [], []
        for b in range(rng.randint(2, 9)):
            if b and rng.random() < 0.25:
                i = rng.choice(short)
                blocks.append(Block("heading", zh_lines[i]))
                en_blocks.append(Block("heading", en_lines[i]))
                origins.append("machine")
                sentences.append(None)
                continue
            size = rng.randint(1, 3)
            zh = "".join(zh_lines[pos:pos + size])
            en_parts = en_lines[pos:pos + size]
            pos += size
            if rng.random() < 0.1:                        # inline Markdown and raw HTML in real text
                zh, en_parts = zh + " *强调* [链接](https://example.org/?a=1&b=2) <i>x</i>", \
                    en_parts + ["Some **bold** & <script>x</script> text."]
            blocks.append(Block("paragraph", zh))
            en_blocks.append(Block("paragraph", " ".join(en_parts)))
            origins.append(rng.choice(["machine", "machine", "human", "mixed"]))
            sentences.append(en_parts if origins[-1] == "machine" and size > 1 else None)
        t = rng.choice(short)
        a = Article(slug=f"wmt-{k}", title=zh_lines[t], blocks=blocks,
                    subtitle=zh_lines[t + 1][:40] if rng.random() < 0.5 else None,
                    dateline="新华社" if rng.random() < 0.3 else None,
                    byline="记者 张三" if rng.random() < 0.3 else None,
                    editor="李四" if rng.random() < 0.2 else None,
                    date=f"2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.9 else None,
                    source=f"seeds/wmt-{k}.txt",
                    source_url="https://example.org/a?x=1&y=<2>" if rng.random() < 0.2 else None,
                    publication="新闻 & 报" if rng.random() < 0.2 else None)
        articles.append(a)
        keywords[a.slug] = rng.sample(vocab, rng.randint(0, 4))
        if rng.random() < 0.15:
            continue                                       # no English yet
        flags = [SentenceFlag("block", i, 0, b.text[:10], en_blocks[i].text[:10], ("number: 4 vs 5", "<odd>"))
                 for i, b in enumerate(blocks) if origins[i] == "machine" and rng.random() < 0.3]
        if rng.random() < 0.2:
            flags.append(SentenceFlag("title", -1, 0, a.title, "x", ("short text",)))
        issues = [HumanIssue("stale", f"content/{a.slug}.en.md", 3, "block", i, -1, "旧", b.text, "old")
                  for i, b in enumerate(blocks) if origins[i] == "human" and rng.random() < 0.3]
        tr = Translation(slug=a.slug, title=en_lines[t], blocks=en_blocks, origins=origins,
                         subtitle="An English subtitle" if a.subtitle else None,
                         dateline="Xinhua" if a.dateline else None,
                         byline="Zhang San" if a.byline else None, editor="Li Si" if a.editor else None,
                         model_id="translate-zh_en-1_9", stale=bool(issues), flags=flags,
                         title_origin=rng.choice(["machine", "human"]),
                         translator=rng.choice([None, "Jane <Doe> & Co"]), human_issues=issues,
                         sentences=sentences)
        translations[a.slug] = tr
    return SiteData(articles=sort_articles(articles), translations=translations, keywords=keywords,
                    keyword_en={"经济": "economy", "A&B": "A & B <x>"}, model_credit="Model <credit> & co")


def _same_site(tmp_path: Path, site_made, **settings) -> int:
    outs = []
    for fast in (True, False):
        out = tmp_path / ("fast" if fast else "plain")
        out.mkdir()
        render_site(site_made(), Settings(root=REPO, **settings), out, Reporter(quiet=True), fast=fast)
        outs.append(out)
    files = sorted(p.relative_to(outs[1]).as_posix() for p in outs[1].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(outs[0]).as_posix() for p in outs[0].rglob("*") if p.is_file())
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    return sum(rel.endswith(".html") for rel in files)


@pytest.mark.parametrize("made", [make_site, marking_site])
def test_hand_made_sites_are_the_same_bytes(tmp_path, made):
    assert _same_site(tmp_path, made, base_url="https://news.example.org/d/") > 10


@pytest.mark.skipif(WMT is None, reason="WMT21 bench data absent (../shared/bench/mt)")
def test_real_news_site_is_the_same_bytes(tmp_path):
    # a few articles per page and keyword pages from two articles: pagers, pages of each kind
    pages = _same_site(tmp_path, wmt_site, per_page=4, keyword_page_min=2)
    assert pages > 100


@given(st.text(max_size=8), st.lists(st.text(max_size=12), max_size=5), st.sampled_from(["", " "]))
@example('p1"<', ["<b>&", "'x'"], " ")
def test_sentence_spans_are_what_markup_format_makes(row_id, sentences, sep):
    from digest.render.align import spans
    plain = Markup(sep).join(Markup('<span class="s" data-s="{}">{}</span>').format(f"{row_id}-{n}", s)
                             for n, s in enumerate(sentences, 1))
    assert str(spans(row_id, sentences, sep)) == str(plain)


@given(st.lists(st.sampled_from(["index.html", "zh/a.html", "en/b.html", "zh/keywords/c.html",
                                 "parallel/d.html", "page/2.html", "zh/page/3.html"]), min_size=1, max_size=6),
       st.sampled_from(["zh", "en"]), st.booleans())
def test_the_links_made_once_per_folder_are_those_made_for_each_page(paths, lang, base_url):
    # common() takes the folder's links from SiteView.folder_links: the same as made from each page
    from digest.render import urls
    from digest.render.context import SiteView, common
    settings = Settings(root=REPO, base_url="https://example.org/" if base_url else None)
    cx = SiteView(SiteData(articles=[]), settings)
    for path in paths:
        ctx = common(cx, path, lang, "t")
        r = lambda to: urls.rel(path, to)  # noqa: E731
        assert (ctx["css"], ctx["site_js"], ctx["root"]) == (
            r(urls.static("style.css")), r(urls.static("site.js")), r(urls.home())[: -len("index.html")] or "./")
        assert ctx["nav"] == {"home": r(urls.home()), "zh": r(urls.lang_index("zh")), "en": r(urls.lang_index("en")),
                              "current": lang, "kw": r(urls.keywords_index(lang)), "search": r(urls.search(lang)),
                              "atom": r(urls.atom(lang)) if base_url else None}
