"""Make N bilingual articles from real text, for this project, Hugo and Pelican.

Chinese comes from newstest2021.zh-en.zh (in ``--mt-dir``, ``$DIGEST_MT_DIR`` or
../shared/bench/mt) and its reference
English (newstest2021.zh-en.en) serves as the human translation, read at run
time (never copied into the repository). Every article is:

- a title (one short source line), 2-4 ``## `` headings (short lines) and 5-10
  paragraphs of 1-3 consecutive source lines, 3-5 tags from a fixed vocabulary;
- ``content/<slug>.zh.md`` + ``content/<slug>.en.md`` for this project (the
  English file carries ``zh_sha256`` so every block counts as human-translated
  and no model is needed);
- ``hugo/content/{zh,en}/<slug>.md`` (multilingual mode, ``translationKey``);
- ``pelican/content/<slug>.{zh,en}.md`` (``Lang:``/``Slug:``/``Tags:``).

1,948 lines are reused cyclically with varying starts and shapes; every article
is distinct (checked). Same seed -> same bytes.

    .venv/bin/python bench/corpus.py /tmp/corpus --n 1000 [--seed 0]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.article import Article, Block  # noqa: E402
from digest.content import dump_article, load_article  # noqa: E402

# the WMT21 test set: $DIGEST_MT_DIR (or --mt-dir), else shared/bench/mt beside the checkout or
# beside a folder it is in (a worktree)
MT_DIR = Path(os.environ.get("DIGEST_MT_DIR") or next(
    (d / "shared" / "bench" / "mt" for d in ROOT.parents if (d / "shared" / "bench" / "mt").is_dir()),
    ROOT.parent / "shared" / "bench" / "mt"))


def set_mt_dir(path: Path) -> None:
    global MT_DIR, ZH_FILE, EN_FILE
    MT_DIR = Path(path)
    ZH_FILE, EN_FILE = MT_DIR / "newstest2021.zh-en.zh", MT_DIR / "newstest2021.zh-en.en"


set_mt_dir(MT_DIR)
SSG_DIR = Path(__file__).resolve().parent / "ssg"

# tag vocabulary: (Chinese label, English label)
TAGS = [
    ("经济", "economy"), ("科技", "technology"), ("教育", "education"), ("健康", "health"),
    ("农业", "agriculture"), ("交通", "transport"), ("文化", "culture"), ("体育", "sports"),
    ("环境", "environment"), ("能源", "energy"), ("外交", "diplomacy"), ("法律", "law"),
    ("城市", "cities"), ("乡村", "villages"), ("旅游", "tourism"), ("金融", "finance"),
    ("就业", "jobs"), ("住房", "housing"), ("疫情", "epidemic"), ("天气", "weather"),
    ("航天", "spaceflight"), ("制造业", "manufacturing"), ("贸易", "trade"), ("互联网", "internet"),
    ("医疗", "medicine"), ("养老", "elderly-care"), ("青年", "youth"), ("妇女", "women"),
    ("军事", "military"), ("历史", "history"), ("艺术", "arts"), ("电影", "film"),
    ("音乐", "music"), ("食品", "food"), ("水利", "water"), ("扶贫", "poverty-relief"),
    ("创新", "innovation"), ("安全", "safety"), ("社会", "society"), ("国际", "world"),
]

BASE_DATE = dt.date(2010, 1, 1)


def read_lines() -> tuple[list[str], list[str]]:
    for p in (ZH_FILE, EN_FILE):
        if not p.is_file():
            raise SystemExit(f"{p}: missing (the newstest2021 zh-en test set)")
    zh = ZH_FILE.read_text(encoding="utf-8").splitlines()
    en = EN_FILE.read_text(encoding="utf-8").splitlines()
    if len(zh) != len(en):
        raise SystemExit(f"{ZH_FILE} and {EN_FILE} differ in length ({len(zh)} vs {len(en)})")
    return [_clean(s) for s in zh], [_clean(s) for s in en]


def _clean(s: str) -> str:
    # a line that would read as a Markdown heading/list marker in any of the three generators
    s = " ".join(s.split())
    return s.lstrip("#>*-+= ").strip() or "…"


def plan(n: int, seed: int, nlines: int, zh: list[str]):
    """Per article: (title line, [(kind, [line indices])], tag indices); all distinct."""
    rng = random.Random(seed)
    short = [i for i, s in enumerate(zh) if 4 <= len(s) <= 30]
    seen: set[tuple] = set()
    out = []
    k = 0
    while len(out) < n:
        # cyclic start through the file, shifted each lap; the shape varies with the rng
        start = (k * 37 + (k * 37) // nlines) % nlines
        k += 1
        title = rng.choice(short)
        n_para = rng.randint(5, 10)
        n_head = rng.randint(2, 4)
        head_at = sorted(rng.sample(range(1, n_para), min(n_head, n_para - 1)))
        blocks = []
        pos = start
        for p in range(n_para):
            if p in head_at:
                blocks.append(("heading", [rng.choice(short)]))
            size = rng.randint(1, 3)
            blocks.append(("paragraph", [(pos + j) % nlines for j in range(size)]))
            pos = (pos + size) % nlines
        key = (title, tuple((kind, tuple(ix)) for kind, ix in blocks))
        if key in seen:
            continue
        seen.add(key)
        tags = sorted(rng.sample(range(len(TAGS)), rng.randint(3, 5)))
        out.append((title, blocks, tags))
    return out


def _join_en(parts: list[str]) -> str:
    return " ".join(parts)


def _yaml(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n"


def _pelican_meta(value: str) -> str:
    return " ".join(value.split())


def make_corpus(dest: Path, n: int, seed: int = 0) -> dict:
    """Write the three corpora under ``dest``; returns a small summary."""
    dest = Path(dest)
    zh, en = read_lines()
    articles = plan(n, seed, len(zh), zh)
    for sub in ("content", "hugo", "pelican"):
        if (dest / sub).exists():
            shutil.rmtree(dest / sub)
    content = dest / "content"
    hugo_zh, hugo_en = dest / "hugo" / "content" / "zh", dest / "hugo" / "content" / "en"
    pel = dest / "pelican" / "content"
    for d in (content, hugo_zh, hugo_en, pel):
        d.mkdir(parents=True)

    for k, (title, blocks, tags) in enumerate(articles):
        slug = f"news-{k:05d}"
        date = (BASE_DATE + dt.timedelta(days=k)).isoformat()
        zh_blocks = [Block(kind, "".join(zh[i] for i in ix)) for kind, ix in blocks]
        en_blocks = [Block(kind, _join_en([en[i] for i in ix])) for kind, ix in blocks]
        art = Article(slug=slug, title=zh[title], blocks=zh_blocks, date=date,
                      source=f"newstest2021.zh-en.zh:{blocks[0][1][0] + 1}", original_script="simplified")
        zh_path = content / f"{slug}.zh.md"
        zh_path.write_text(dump_article(art), encoding="utf-8")
        write_en(content / f"{slug}.en.md", slug, en[title], en_blocks, load_article(zh_path).zh_hash())

        zh_tags = [TAGS[t][0] for t in tags]
        en_tags = [TAGS[t][1] for t in tags]
        zh_body = _md(zh_blocks)
        en_body = _md(en_blocks)
        for lang, d, ttl, body, tg in (("zh", hugo_zh, zh[title], zh_body, zh_tags),
                                       ("en", hugo_en, en[title], en_body, en_tags)):
            meta = {"title": ttl, "date": date, "slug": slug, "translationKey": slug, "tags": tg}
            (d / f"{slug}.md").write_text(_yaml(meta) + "\n" + body, encoding="utf-8")
        for lang, ttl, body, tg in (("zh", zh[title], zh_body, zh_tags), ("en", en[title], en_body, en_tags)):
            head = (f"Title: {_pelican_meta(ttl)}\nDate: {date}\nSlug: {slug}\nLang: {lang}\n"
                    f"Tags: {', '.join(tg)}\n\n")
            (pel / f"{slug}.{lang}.md").write_text(head + body, encoding="utf-8")

    # configs and minimal templates
    shutil.copy(SSG_DIR / "hugo" / "config.yaml", dest / "hugo" / "config.yaml")
    shutil.copytree(SSG_DIR / "hugo" / "layouts", dest / "hugo" / "layouts")
    shutil.copy(SSG_DIR / "pelican" / "pelicanconf.py", dest / "pelican" / "pelicanconf.py")
    return {"articles": n, "dest": str(dest)}


def write_en(path: Path, slug: str, title: str, blocks: list[Block], zh_sha256: str) -> None:
    path.write_text(_yaml({"slug": slug, "title": title, "zh_sha256": zh_sha256}) + "\n" + _md(blocks),
                    encoding="utf-8")


def _md(blocks: list[Block]) -> str:
    return "\n\n".join(f"## {b.text}" if b.kind == "heading" else b.text for b in blocks) + "\n"


def append_sentence(dest: Path, slug: str, i: int) -> None:
    """Edit one article in all three corpora: append one source sentence (i-th edit) to its
    last paragraph, in Chinese and English, keeping the English override current."""
    from digest.content import load_post
    zh, en = read_lines()
    j = (i * 101 + 7) % len(zh)
    zh_s, en_s = zh[j], en[j]
    dest = Path(dest)
    zh_path = dest / "content" / f"{slug}.zh.md"
    art = load_article(zh_path)
    art.path = None
    last = max(k for k, b in enumerate(art.blocks) if b.kind == "paragraph")
    art.blocks[last] = Block("paragraph", art.blocks[last].text + zh_s)
    zh_path.write_text(dump_article(art), encoding="utf-8")
    meta, en_blocks = load_post(dest / "content" / f"{slug}.en.md")
    en_blocks[last] = Block("paragraph", en_blocks[last].text + " " + en_s)
    write_en(dest / "content" / f"{slug}.en.md", slug, meta["title"], en_blocks,
             load_article(zh_path).zh_hash())
    for p, s in ((dest / "hugo" / "content" / "zh" / f"{slug}.md", zh_s),
                 (dest / "hugo" / "content" / "en" / f"{slug}.md", en_s),
                 (dest / "pelican" / "content" / f"{slug}.zh.md", zh_s),
                 (dest / "pelican" / "content" / f"{slug}.en.md", en_s)):
        text = p.read_text(encoding="utf-8").rstrip("\n")
        sep = "" if p.name.endswith("zh.md") or "/zh/" in str(p) else " "
        p.write_text(text + sep + s + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mt-dir", type=Path, default=MT_DIR,
                    help="folder of newstest2021.zh-en.zh/.en (default: $DIGEST_MT_DIR or ../shared/bench/mt)")
    a = ap.parse_args(argv)
    set_mt_dir(a.mt_dir)
    make_corpus(a.dest, a.n, a.seed)
    print(f"{a.n} articles in {a.dest}/content, {a.dest}/hugo, {a.dest}/pelican")
    return 0


if __name__ == "__main__":
    sys.exit(main())
