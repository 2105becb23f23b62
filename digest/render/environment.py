"""The theme's Jinja2 environment: loading templates from the theme folders, keeping their
compiled code across builds, and rendering one page."""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from . import urls

if TYPE_CHECKING:
    from .pages import Page

STATIC_FILES = ("style.css", "site.js", "search.js")     # a theme must have these

# another checkout's build (another code version) may be using its folder right now
TEMPLATE_CACHE_MAX_AGE = 7 * 24 * 3600

_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja2's environment, with ``x.name`` on a plain dict looked up as the key first.

    Jinja2 tries the attribute and then the key, so every ``nav.home`` of a template raised
    and caught an AttributeError (a third of a page's rendering). A dict has no attributes but
    its methods, so for any other name the key is the same answer, found without raising."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_env(theme_dir: Path | list[Path], cache_dir: Path | None = None) -> jinja2.Environment:
    """The theme's Jinja2 environment; given several theme folders (most specific first), each
    template comes from the first that has it. With ``cache_dir``, compiled templates are kept there
    (Jinja2 checks each template's source; the folder is named after this file and the Jinja2
    version, which the compiled code also depends on): compiling the templates is most of
    the render time of a rebuild after one edit."""
    options = dict(autoescape=True,                 # everywhere, whatever the template's name
                   undefined=jinja2.StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    cache = None
    if cache_dir is not None:
        tag = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
        folder = Path(cache_dir) / "templates" / tag
        try:
            if not folder.is_dir():                 # first use of this code: old folders go
                _prune_template_caches(folder.parent)
            folder.mkdir(parents=True, exist_ok=True)
            os.utime(folder)                        # in use: not old to another version's build
            cache = _TolerantBytecodeCache(str(folder))
        except OSError:
            cache = None                            # no cache then; never a reason to fail
    dirs = [theme_dir] if isinstance(theme_dir, (str, Path)) else list(theme_dir)
    # (the bytecode cache keys each template by its file name too, so an override never
    # reuses the packaged template's compiled code)
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(Path(d) / "templates")) for d in dirs])
    return _Environment(loader=loader, bytecode_cache=cache, **options)


def _prune_template_caches(parent: Path) -> None:
    """Remove compiled-template folders of other code versions not used for a week."""
    now = time.time()
    for old in parent.glob("*") if parent.is_dir() else []:
        try:
            if now - old.stat().st_mtime > TEMPLATE_CACHE_MAX_AGE:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


class _TolerantBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache that can vanish under a build (removed by hand, or by an older release's
    pruning): a template is then compiled, never a reason to fail."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def render_page(env: jinja2.Environment, page: "Page") -> bytes:
    urls.safe_rel(page.path)
    make = page._make
    data = env.get_template(page.template).render(page.context).encode("utf-8")
    if make is not None:      # a context made for this render is not kept: a worker renders
        page._context, page._make = None, make     # thousands of pages (2.7 GB at N = 20,000)
    return data
