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
import markupsafe
from markupsafe import Markup

from . import urls

if TYPE_CHECKING:
    from .pages import Page

STATIC_FILES = ("style.css", "site.js", "search.js")     # a theme must have these

# another checkout's build (another code version) may be using its folder right now
TEMPLATE_CACHE_MAX_AGE = 7 * 24 * 3600

_DICT_ATTRIBUTES = frozenset(dir(dict))


# markupsafe's C escaping of a str (what ``markupsafe.escape`` calls), as a str: the text of
# ``markupsafe.escape(s)`` without a Markup made of it (the public function where a markupsafe
# release has no such name)
escape_text = getattr(markupsafe, "_escape_inner", None) or (lambda s: str(markupsafe.escape(s)))


def output_escape(s: Any) -> str:
    """What ``{{ x }}`` writes into a page: ``markupsafe.escape(x)``'s text, without making a
    Markup of it.

    A page is the join of what its template writes, so the text is all that counts; making a
    new Markup for every ``{{ x }}`` (and one more for an x that is Markup already) was a
    fifth of a page's rendering. Anything else (numbers, Undefined, objects with
    ``__html__``) goes to markupsafe itself."""
    t = type(s)
    if t is str:
        return escape_text(s)
    if t is Markup:
        return s
    return markupsafe.escape(s)


class _Template(jinja2.Template):
    """A template whose ``{{ x }}`` outputs go through :func:`output_escape` (Jinja2's compiled
    code calls the name ``escape`` of its module, bound when the module is run: rebound here
    before it renders anything)."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        namespace = {"environment": environment, "__file__": code.co_filename}
        exec(code, namespace)
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = output_escape
        rv = cls._from_namespace(environment, namespace, globals)
        rv._uptodate = uptodate
        return rv


class _Environment(jinja2.Environment):
    """Jinja2's environment, with ``x.name`` on a plain dict looked up as the key first.

    Jinja2 tries the attribute and then the key, so every ``nav.home`` of a template raised
    and caught an AttributeError (a third of a page's rendering). A dict has no attributes but
    its methods, so for any other name the key is the same answer, found without raising.
    Its templates escape through :func:`output_escape`."""

    template_class = _Template

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_env(theme_dir: Path | list[Path], cache_dir: Path | None = None, *,
             fast: bool = True) -> jinja2.Environment:
    """The theme's Jinja2 environment; given several theme folders (most specific first), each
    template comes from the first that has it. With ``cache_dir``, compiled templates are kept there
    (Jinja2 checks each template's source; the folder is named after this file and the Jinja2
    version, which the compiled code also depends on): compiling the templates is most of
    the render time of a rebuild after one edit.

    ``fast=False``: Jinja2's own environment, without the shortcuts of this module (dict keys
    looked up first, :func:`output_escape`, no new look at the template files for each page),
    which make the same pages (tests compare them)."""
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
    if not fast:
        return jinja2.Environment(loader=loader, bytecode_cache=cache, **options)
    # (a build makes its own environment: no template changes under it, so Jinja2 need not
    # stat the template files again on every page)
    return _Environment(loader=loader, bytecode_cache=cache, auto_reload=False, **options)


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
