"""A hand-built SiteData for the render tests: the seed texts plus hostile text."""
from __future__ import annotations

import re
from pathlib import Path

from digest.article import Article, Block, Translation
from digest.errors import Reporter
from digest.render import render_site
from digest.settings import Settings
from digest.sitedata import SiteData, sort_articles

REPO = Path(__file__).resolve().parents[2]
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3)) and [ok](https://example.org/a?b=1) and [rel](../index.html)",
    "{{ 7*7 }} and {% if true %}jinja{% endif %}",
    "# not a heading",
    "---",
    "    four spaces",
    "| a | b |",
    "&lt;b&gt; &amp; entities",
]


def _seed_blocks(path: Path, limit: int = 14) -> tuple[str, list[Block]]:
    """A rough reading of a seed (enough for rendering tests; ingest does this properly)."""
    text = path.read_bytes().decode("utf-8", "replace")
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    title, blocks = lines[0], []
    for l in lines[1:limit]:
        kind = "heading" if len(l) < 20 and not re.search(r"[。！？]$", l) else "paragraph"
        blocks.append(Block(kind, l))
    return title, blocks


def _machine(a: Article, texts: list[str] | None = None, **kw) -> Translation:
    texts = texts or [f"English for block {i + 1} of {a.slug}." for i in range(len(a.blocks))]
    return Translation(slug=a.slug, title=kw.pop("title", f"English title of {a.slug}"),
                       blocks=[Block(b.kind, t) for b, t in zip(a.blocks, texts)],
                       origins=kw.pop("origins", ["machine"] * len(a.blocks)),
                       model_id="translate-zh_en-1_9", **kw)


def make_site() -> SiteData:
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    t0, b0 = _seed_blocks(seeds[0])
    jingkou = Article(slug="jingkou-new-mission", title=t0, subtitle="京口区数字经济发展纪实", blocks=b0,
                      dateline="镇江讯", byline="张三", editor="李四", date="2024-11-20",
                      source="seeds/" + seeds[0].name)
    en_texts = []
    for i, b in enumerate(b0):
        en_texts.append("Digital economy takes off in Jingkou" if b.kind == "heading"
                        else f"Jingkou District builds its digital economies, paragraph {i + 1}.")
    tr_j = _machine(jingkou, en_texts, title="Jingkou takes on the new mission of the main city",
                    subtitle="Digital economy in Jingkou District", byline="Zhang San", editor="Li Si")

    hostile = Article(slug="hostile-text", title="<script>alert('t')</script>标题 {{ 7*7 }}",
                      subtitle="<b>副标题</b>", date="2024-11-19", byline="<i>x</i>",
                      blocks=[Block("heading", "<h1>小标题</h1> {% raw %}")] +
                             [Block("paragraph", h) for h in HOSTILE])
    tr_h = _machine(hostile, [f"EN {h}" for h in ["<script>bad()</script>"] + HOSTILE],
                    title="<script>alert('en')</script> Title", origins=["human"] * (len(HOSTILE) + 1),
                    stale=True)
    tr_h.title_origin = "human"

    missing = Article(slug="no-translation-yet", title="尚未翻译的文章", date="2024-11-18",
                      blocks=[Block("heading", "第一节"), Block("paragraph", "京口区的一段文字。")])
    undated = Article(slug="undated", title="没有日期的文章", source_time="2024-10-05T08:30:00Z",
                      blocks=[Block("paragraph", "数字经济。")])
    tr_u = _machine(undated, ["Digital economy."], origins=["human"])
    tr_u.title_origin = "human"

    articles = sort_articles([jingkou, hostile, missing, undated])
    keywords = {"jingkou-new-mission": ["京口", "数字经济", "京口区", "镇江", "产业"],
                "hostile-text": ["../../etc", "<script>", "京口"],
                "no-translation-yet": ["京口区", "文字"],
                "undated": ["数字经济"]}
    keyword_en = {"京口": "Jingkou", "数字经济": "digital economy", "<script>": "<script>x</script>"}
    return SiteData(articles=articles,
                    translations={"jingkou-new-mission": tr_j, "hostile-text": tr_h, "undated": tr_u},
                    keywords=keywords, keyword_en=keyword_en)


def build(out: Path, base_url: str | None = None, site=None, **settings) -> tuple[Path, Reporter, list[str]]:
    out.mkdir(parents=True, exist_ok=True)
    infos: list[str] = []
    rep = Reporter(quiet=True)
    rep.info = infos.append  # type: ignore[method-assign]
    render_site(site or make_site(), Settings(root=REPO, base_url=base_url, **settings), out, rep)
    return out, rep, infos
