"""``digest init DIR``: a new site folder, with a commented config, empty seeds/ and content/,
and a commented glossary. Nothing that exists is overwritten."""
from __future__ import annotations

from pathlib import Path

from .config import CONFIG_NAME
from .errors import DigestError

CONFIG_TEXT = '''\
# digest.toml: this site's settings. Every key is optional (the default is shown);
# a command-line flag wins over this file. Paths are relative to this file.

[site]
title_zh = "我的新闻摘要"
title_en = "My News Digest"
# base_url = "https://example.org/news/"   # needed for Atom feeds, the sitemap, canonical links
# per_page = 50                           # articles per list page (0: all on one page)
# feed_size = 50                          # newest articles in each feed (0: all)
# epub = true                             # output/digest.epub, linked from the home page

[theme]
# name = "default"     # the packaged theme; files in themes/default/ here override it one by one
# dir = "themes"

[paths]
# seeds = "seeds"       # raw .txt articles, ingested into content/
# content = "content"   # content/<slug>.zh.md (and <slug>.en.md, a human translation)
# output = "output"     # the built site

[translate]
# model = "path/to/translate-zh_en-1_9.argosmodel"   # default: fetched into the cache
# beam = 1              # 1: greedy, fastest; 4: about +0.7 BLEU for 3.8x the time
# device = "auto"       # auto (a GPU when there is one), cpu or cuda
'''

GLOSSARY_TEXT = '''\
# Glossary: Chinese terms the translation must render exactly this way.
# The longest match wins (京口区 before 京口). Editing an entry retranslates only
# the sentences that contain it.

[terms]
# "镇江" = "Zhenjiang"
# "京口区" = "Jingkou District"

[names]
# People: romanised with pypinyin (surname first) unless an English name is given.
# "薛诚" = ""              # empty: romanise, "Xue Cheng"
# "王小明" = "Ming Wang"
'''


def init_site(folder: Path) -> list[Path]:
    """Make the site's files and folders under ``folder``; the ones created, in order.
    Refuses a folder that already holds a config (a site is never scaffolded over)."""
    folder = Path(folder)
    config = folder / CONFIG_NAME
    if config.exists():
        raise DigestError(f"{config.name} is already there: not a new site, nothing changed", path=config)
    if folder.exists() and not folder.is_dir():
        raise DigestError("not a folder", path=folder)
    made: list[Path] = []
    for d in (folder, folder / "seeds", folder / "content"):
        if not d.is_dir():
            d.mkdir(parents=True)
            made.append(d)
    for path, text in ((folder / "content" / "glossary.toml", GLOSSARY_TEXT), (config, CONFIG_TEXT)):
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            made.append(path)
    return made
