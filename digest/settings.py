"""Every path and option of a run, in one object that is passed down the pipeline."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


PACKAGE_THEMES = Path(__file__).parent / "themes"      # themes shipped with the package


def theme_chain(theme: str, themes_dir: Path) -> list[Path]:
    """See :attr:`Settings.theme_dirs`; an unknown theme is the single folder it would be in
    (whose absence the renderer reports)."""
    p = Path(theme)
    own = p if p.is_dir() and ((p / "templates").is_dir() or (p / "static").is_dir()) else Path(themes_dir) / theme
    packaged = PACKAGE_THEMES / (theme if (PACKAGE_THEMES / theme).is_dir() and os.sep not in theme and "/" not in theme
                                 else "default")
    chain = [own] if own.is_dir() else []
    if own.is_dir() or packaged.name == theme:
        if packaged.resolve() not in [c.resolve() for c in chain]:
            chain.append(packaged)
    return chain or [own]


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
    device: str = "auto"                  # CTranslate2 device: auto (cuda when there is one), cpu, cuda
    per_page: int = 50                    # articles per page of the home page, lists, keyword pages (0: one)
    feed_size: int = 50                   # newest articles in each Atom feed (0: every article)
    lock_wait: float = 600.0              # seconds a build waits for another build of the site
    keyword_page_min: int = 2             # articles a keyword needs for a page of its own (1: every keyword)
    epub: bool = True                     # write digest.epub and link it from the home page
    quiet: bool = False
    debug: bool = False
    site_title_zh: str = "京口新闻摘要"
    site_title_en: str = "Jingkou News Digest"
    config_path: Path | None = None       # the digest.toml these settings were read from, if any

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
        """The theme folder looked in first (the site's own, else the packaged one)."""
        return self.theme_dirs[0]

    @property
    def theme_dirs(self) -> list[Path]:
        """Theme folders, most specific first: each template and static file is taken from the
        first that has it (MkDocs' ``custom_dir``). A folder given as the theme, or the site's
        ``themes/NAME/``, overrides the packaged theme of that name, else the packaged default."""
        return theme_chain(self.theme, self.themes_dir)

    @property
    def glossary_path(self) -> Path:
        return self.content_dir / "glossary.toml"

    @property
    def state_path(self) -> Path:
        """Build state (what each output was made from); lives beside output/, not in it."""
        return self.output_dir.parent / f".{self.output_dir.name}.state.sqlite3"
