"""What the render stage is given: the articles in their order, with what the keyword and
translation stages made of them (``SiteData``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .article import Article, Translation
from .segment import Segmenter

MODEL_CREDIT = ("Machine translation: Argos Translate translate-zh_en-1_9 "
                "(derived from OPUS-MT), CC BY 4.0")


@dataclass
class SiteData:
    """Everything the renderer needs, computed before anything is written."""

    articles: list[Article]                               # sorted: newest first, then slug
    translations: dict[str, Translation] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)   # slug -> Chinese keywords
    keyword_en: dict[str, str] = field(default_factory=dict)       # Chinese keyword -> English label
    model_credit: str = MODEL_CREDIT
    # slug -> a digest that changes whenever the article or its translation may have changed
    # (content file stat + translation cache key), so the renderer can tell unchanged
    # articles without hashing their text; empty when the data was made another way
    identities: dict[str, str] = field(default_factory=dict)
    zh_hashes: dict[str, str] = field(default_factory=dict)        # slug -> Article.zh_hash()
    # slug -> its zh/<slug>.pinyin.js, zlib-compressed: made by the keyword stage while the
    # article's segmentation is at hand (see render._pinyin_files); absent: made when rendered
    pinyin: dict[str, bytes] = field(default_factory=dict)
    # the build's word segmentation (the glossary's terms, the cache folder): made by the
    # keyword stage, used by the search index and the pinyin readings
    segmenter: Segmenter = field(default_factory=Segmenter)


def sort_articles(articles: list[Article]) -> list[Article]:
    """Newest first (articles without a date last), then by slug: stable everywhere."""
    dated = sorted((a for a in articles if a.date), key=lambda a: a.slug)
    dated.sort(key=lambda a: a.date, reverse=True)
    undated = sorted((a for a in articles if not a.date), key=lambda a: a.slug)
    return dated + undated
