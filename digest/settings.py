"""Every path and option of a run, in one object that is passed down the pipeline."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_cache_dir() -> Path:
    env = os.environ.get("DIGEST_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "digest"


@dataclass
class Settings:
    root: Path = field(default_factory=Path.cwd)
    seeds_dir: Path | None = None
    content_dir: Path | None = None
    output_dir: Path | None = None
    themes_dir: Path | None = None
    theme: str = "default"
    cache_dir: Path = field(default_factory=default_cache_dir)
    model_path: Path | None = None        # --model: .argosmodel file or unpacked package
    tm_path: Path | None = None           # translation memory (SQLite)
    tm_in_content: bool = False           # keep the TM beside the content (for teams)
    base_url: str | None = None           # absolute URLs in feeds, sitemap, canonical
    beam: int = 1
    per_page: int = 50                    # articles per page of the home page, lists, keyword pages (0: one)
    feed_size: int = 50                   # newest articles in each Atom feed (0: every article)
    epub: bool = True                     # write digest.epub and link it from the home page
    quiet: bool = False
    debug: bool = False
    site_title_zh: str = "京口新闻摘要"
    site_title_en: str = "Jingkou News Digest"

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.seeds_dir = Path(self.seeds_dir) if self.seeds_dir else self.root / "seeds"
        self.content_dir = Path(self.content_dir) if self.content_dir else self.root / "content"
        self.output_dir = Path(self.output_dir) if self.output_dir else self.root / "output"
        self.themes_dir = Path(self.themes_dir) if self.themes_dir else self.root / "themes"
        self.cache_dir = Path(self.cache_dir)
        if self.tm_path is None:
            self.tm_path = (self.content_dir / "translation-memory.sqlite3" if self.tm_in_content
                            else self.cache_dir / "translation-memory.sqlite3")
        if self.base_url:
            self.base_url = self.base_url.rstrip("/") + "/"

    @property
    def theme_dir(self) -> Path:
        p = Path(self.theme)
        return p if p.is_dir() and (p / "templates").is_dir() else self.themes_dir / self.theme

    @property
    def glossary_path(self) -> Path:
        return self.content_dir / "glossary.toml"

    @property
    def state_path(self) -> Path:
        """Build state (what each output was made from); lives beside output/, not in it."""
        return self.output_dir.parent / f".{self.output_dir.name}.state.sqlite3"
