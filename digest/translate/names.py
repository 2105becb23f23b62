"""Names the model must not guess: found in each sentence, then protected like glossary terms.

The model garbles names it has rarely seen (华为 -> "Hua", 新华社 -> "New China
Society", abbreviated places read the Japanese way). For every sentence,
:func:`find_names` returns the names in it and their English, a pure function
of the sentence and of the dictionaries (CC-CEDICT's version, jieba's), so the
translation-memory key of a sentence is stable:

1. **CC-CEDICT** (translate/dictionary.py): a proper noun with an entry gets its
   name (华为 Huawei, 新华社 Xinhua News Agency, 京口区 Jingkou District).
   Names that are English rather than romanised (俄罗斯 Russia, which the model
   also inflects: "Russian") and places the model knows well (jieba frequency
   >= ``WELL_KNOWN``: 北京, 上海, 香港) are left to it; organisations are not
   (新华社 comes out "Xinhua News").
2. **Places in no dictionary** (jieba's part of speech ``ns``, or a person-like
   tag on a word that ends in a place suffix): the stem's dictionary name or
   its pinyin, plus the standard English suffix (花桥镇 Huaqiao Town). A
   suffix jieba split off (江宁 | 经 | 开区) is joined back.
3. **People in no dictionary** (``nr``): two or three characters, starting with
   a surname CC-CEDICT lists, and not a common word: pinyin, surname first.
4. **Abbreviated compounds** of provinces and cities (沪苏浙皖) not in the
   dictionary: the full names joined by hyphens (Shanghai-Jiangsu-Zhejiang-Anhui).

Conservative by design: a wrong automatic name is worse than the model's guess,
so anything ambiguous is left to the model. The glossary file wins over all of
these (see glossary.Glossary.with_names).
"""
from __future__ import annotations

from typing import Callable

from ..chars import HAN_WORD_RE
from .dictionary import Dictionary
from .romanise import COMPOUND_SURNAMES, _syllables, romanise_name

# longest first; the English standard for Chinese administrative units
PLACE_SUFFIXES = {
    "经济技术开发区": "Economic and Technological Development Zone",
    "经济开发区": "Economic Development Zone",
    "高新技术产业开发区": "High-tech Industrial Development Zone",
    "经开区": "Economic Development Zone",
    "高新区": "High-tech Zone",
    "开发区": "Development Zone",
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "街道": "Subdistrict",
    "新区": "New Area",
    "省": "Province",
    "市": "City",
    "区": "District",
    "县": "County",
    "镇": "Town",
    "乡": "Township",
    "村": "Village",
}
_SUFFIX_ORDER = sorted(PLACE_SUFFIXES, key=len, reverse=True)
# suffixes long enough to join back when jieba split them off the name (江宁 | 经 | 开区)
_JOINABLE = [s for s in _SUFFIX_ORDER if len(s) >= 2 and s not in ("新区",)]
# one-character abbreviations of provinces and municipalities, as used in compounds (沪苏, 京津冀);
# the most ambiguous ones (新 云 青 宁 黑 吉 甘 贵 台) are left out
ABBREVIATIONS = {
    "京": "Beijing", "津": "Tianjin", "沪": "Shanghai", "渝": "Chongqing", "冀": "Hebei",
    "晋": "Shanxi", "辽": "Liaoning", "苏": "Jiangsu", "浙": "Zhejiang", "皖": "Anhui",
    "闽": "Fujian", "赣": "Jiangxi", "鲁": "Shandong", "豫": "Henan", "鄂": "Hubei",
    "湘": "Hunan", "粤": "Guangdong", "琼": "Hainan", "川": "Sichuan", "黔": "Guizhou",
    "滇": "Yunnan", "陕": "Shaanxi", "桂": "Guangxi", "港": "Hong Kong", "澳": "Macao",
}
# jieba's tags for names (person, place, organisation, other proper noun, abbreviation)
NAME_FLAGS = ("nr", "ns", "nt", "nz", "nrt", "nrfg", "j")
# what may follow a company's name in the same word (华为公司): the name alone is protected
ORG_SUFFIXES = ("股份有限公司", "有限公司", "公司", "集团")
# one-character words that may stand next to a name (anything else there means jieba cut a
# longer name apart: 李斯 | 博, 蒋口 | 河)
_PARTICLES = set("的了在和与及是说等也都将向对为从被把让给于以由至到或而并还就才又据称曾已仍")
WELL_KNOWN = 5_000          # jieba frequency above which the model is left to name a word


def _pinyin(text: str) -> str:
    """花桥 -> Huaqiao (one word, as Chinese place names are written)."""
    return "".join(_syllables(text)).replace("v", "ü").capitalize()


def _suffix_of(word: str) -> str | None:
    for s in _SUFFIX_ORDER:
        if word.endswith(s) and len(word) > len(s):
            return s
    return None


def dictionary_name(word: str, d: Dictionary, romanised_only: bool = False) -> str | None:
    """CC-CEDICT's name for ``word``, with the English suffix it leaves out (京口区 -> Jingkou
    District; a city is known by its name: 深圳市 -> Shenzhen). ``romanised_only``: only names that
    romanise the Chinese (Huawei, Xinhua News Agency), not English ones (Russia, Yangtze River)."""
    entry = d.names.get(word)
    if entry is None:
        return None
    name, rest, romanised = entry
    if not name:
        return None                      # a proper noun CC-CEDICT cannot name unambiguously
    if romanised_only and not romanised and " and " not in name:
        return None                      # (an abbreviated pair is kept: 成渝 Chengdu and Chongqing)
    if not rest or rest == "市":
        return name
    suffix = PLACE_SUFFIXES.get(rest)
    return f"{name} {suffix}" if suffix else None


def _place(word: str, d: Dictionary, freq) -> str | None:
    """A place with a suffix: the stem's dictionary name or pinyin, plus the suffix's English."""
    suffix = _suffix_of(word)
    if suffix is None:
        return None
    stem = word[: -len(suffix)]
    tail = stem[-1:] + suffix
    if len(stem) < 2 or not HAN_WORD_RE.match(stem) or (tail in d.senses and tail not in d.names):
        return None                          # 沿海地区: 地区 is a word, not 沿海地 + 区
    name = dictionary_name(stem, d, romanised_only=True)
    if name is None:
        if stem in d.names:
            return None                      # an English name (福冈县): left to the model
        if len(stem) > 3 or stem in d.senses or freq(stem) >= WELL_KNOWN:
            return None                      # a common word (老城区, 工业园区): not a place name
        name = _pinyin(stem)
    return f"{name} {PLACE_SUFFIXES[suffix]}"


# characters of transliterated foreign names (刘易斯 Lewis, 福奇 Fauci), rare in Chinese given names
_FOREIGN = set("斯尔普特奇瑟姆夫莉蒂克拉卡塔亚根丝茨兹默娅伊乌巴萨切耶徳尼洛索维")
# what continues a place's name into another place (大禹 | 山 is Dayu Mountain, not Yu the Great)
_GEOGRAPHIC = set("山河湖江桥路街港湾岛峰岭洲")
# words that make the name before them a company's or an institution's (东方嘉富 | 产业基金)
_ORG_NEXT = {"产业", "基金", "集团", "公司", "科技", "控股", "股份", "银行", "医院", "学校", "大学",
             "中学", "小学", "酒店", "商场", "广场", "大厦", "中心", "有限公司", "实业", "置业"}
# what ends an institution or a place, never a person's name
_NOT_PERSON_END = set("口某氏委部局办厅院会社报所站队团组处科室馆城区市县镇村乡省州河湖山江桥路街港湾岛园厂店楼堂寺庙")


def _person(word: str, d: Dictionary, freq) -> str | None:
    if not 2 <= len(word) <= 3 or word in d.senses or word in d.names or freq(word):
        return None                         # jieba's dictionary words tagged nr are often not names
    if set(word) & _FOREIGN or word[-1] in _NOT_PERSON_END:
        return None
    if len(word) == 3 and (word[1:] in d.senses or word[:2] in d.senses):
        return None                         # 强降雨, 陈列馆: a common word inside
    if not (word[0] in d.surnames or word[:2] in COMPOUND_SURNAMES):
        return None
    return romanise_name(word)


def _abbreviated(word: str) -> str | None:
    if 2 <= len(word) <= 4 and all(ch in ABBREVIATIONS for ch in word) and len(set(word)) == len(word):
        return "-".join(ABBREVIATIONS[ch] for ch in word)
    return None


def find_names(sentence: str, tagged: list[tuple[str, str]], d: Dictionary, freq) -> dict[str, str]:
    """The names in ``sentence`` -> their English, from its part-of-speech tagging (pure).

    ``tagged``: jieba.posseg's (word, flag) pairs for ``sentence``; ``freq(word)``: jieba's
    frequency of a word (0 when unknown)."""
    out: dict[str, str] = {}
    i = 0

    def cut_apart(i: int) -> bool:
        """Whether the word before index ``i`` is a fragment of a longer name."""
        def loose(w: str | None) -> bool:
            return w is not None and len(w) == 1 and bool(HAN_WORD_RE.match(w)) and w not in _PARTICLES
        prev = tagged[i - 2][0] if i >= 2 else None
        nxt = tagged[i][0] if i < len(tagged) else None
        return loose(prev) or loose(nxt)

    while i < len(tagged):
        word, flag = tagged[i]
        i += 1
        if "·" in ((tagged[i - 2][0] if i >= 2 else "") + (tagged[i][0] if i < len(tagged) else "")):
            continue                           # part of a transliterated name (班邦·苏尔约诺)
        if len(word) == 1 and i + 1 < len(tagged) and tagged[i + 1][0] == "街道" and len(tagged[i][0]) == 1 \
                and all(HAN_WORD_RE.match(c) and c not in _PARTICLES for c in (word, tagged[i][0])):
            # a subdistrict whose two-character name jieba cut into characters (谏 | 壁 | 街道)
            out[word + tagged[i][0] + "街道"] = f"{_pinyin(word + tagged[i][0])} {PLACE_SUFFIXES['街道']}"
            i += 2
            continue
        if len(word) == 1 and word in ABBREVIATIONS and i >= 2 and i < len(tagged) \
                and tagged[i - 2][0] in ("“", '"') and tagged[i][0] in ("”", '"'):
            # a place's one-character name in quotes (the “京” brand of Jingkou): its pinyin,
            # never a reading of the character alone (the model says "Kyoyo")
            q = tagged[i - 2][0] + word + tagged[i][0]
            out[q] = tagged[i - 2][0] + _pinyin(word) + tagged[i][0]
            i += 1
            continue
        if len(word) < 2 or not HAN_WORD_RE.match(word):
            # a run of one-character abbreviations jieba cut apart (沪 | 苏浙皖)
            if len(word) == 1 and word in ABBREVIATIONS and i < len(tagged):
                nxt = tagged[i][0]
                run = word + nxt
                if nxt not in ABBREVIATIONS and _abbreviated(run) and run not in d.senses \
                        and run not in d.names and tagged[i][1] in ("j", "nr", "ns", "nz"):
                    out[run] = _abbreviated(run)
                    i += 1
            continue
        # a suffix jieba cut off the name: 江宁 | 经 | 开区 -> 江宁经开区
        joined = None
        if flag in ("ns", "nr", "nz", "j") or word in d.names:
            for suf in _JOINABLE:
                k, acc = i, ""
                while k < len(tagged) and len(acc) < len(suf) and suf.startswith(acc + tagged[k][0]):
                    acc += tagged[k][0]
                    k += 1
                if acc == suf:
                    name = _place(word + suf, d, freq)
                    if name:
                        joined = (word + suf, name, k)
                    break
        if joined:
            out[joined[0]] = joined[1]
            i = joined[2]
            continue
        if word in d.names and dictionary_name(word, d, romanised_only=True) is None:
            continue                           # an English name the model knows (俄罗斯 Russia, 特朗普 Trump)
        en = dictionary_name(word, d, romanised_only=True)
        if en is not None and flag not in NAME_FLAGS and freq(word) and not _abbreviated(word):
            continue                           # a name, but here jieba reads a common word (双城)
        if en is not None and flag in ("nr", "nrfg", "nrt") and cut_apart(i):
            continue
        nxt = tagged[i][0] if i < len(tagged) else ""
        if en is not None and len(nxt) == 1 and nxt in _GEOGRAPHIC:
            continue                           # 大禹 | 山: Dayu Mountain, not "Yu the Great" + mountain
        if en is not None:
            stem = word[: -len(_suffix_of(word) or "")] if _suffix_of(word) else word
            # organisations are named however well known (the model says "Xinhua News" for 新华社)
            if flag == "nt" or freq(word) < WELL_KNOWN and freq(stem) < WELL_KNOWN:
                out[word] = en
            continue
        if flag in ("nt", "nz"):
            org = next((word[: -len(x)] for x in ORG_SUFFIXES if word.endswith(x)), None)
            en = dictionary_name(org, d, romanised_only=True) if org and len(org) >= 2 else None
            if en is not None and freq(org) < WELL_KNOWN:
                out[org] = en                  # 华为公司: Huawei (the model says "company")
                continue
        if word in d.senses and flag not in ("ns",):
            continue                           # a common word the dictionary knows
        if flag in ("ns", "nr", "nz"):
            en = _place(word, d, freq)
            if en:
                out[word] = en
                continue
        if flag in ("j", "ns", "nr", "nz") and word not in d.senses:
            en = _abbreviated(word)
            if en:
                out[word] = en
                continue
        prev_flag = tagged[i - 2][1] if i >= 2 else ""
        if flag == "nr" and not cut_apart(i) and prev_flag not in NAME_FLAGS and nxt not in _ORG_NEXT:   # (东方 | 嘉富: a company)
            en = _person(word, d, freq)
            if en:
                out[word] = en
    return out


class NameFinder:
    """:func:`find_names` with jieba.posseg's tagging and the dictionary, memoised per sentence."""

    def __init__(self, d: Dictionary | Callable[[], Dictionary], version: str | None = None,
                 segmenter=None):
        """``d``: the dictionary, or a function that loads it when a name is first looked up
        (then ``version`` is its version): a build whose new text is all a human's never
        loads it. ``segmenter``: a :class:`digest.segment.Segmenter` (jieba.posseg's words and
        tags, :meth:`~digest.segment.Segmenter.pos_tagged`; jieba's frequencies); none: no terms."""
        if isinstance(d, Dictionary):
            self._dictionary, self._load, self.version = d, None, d.version
        else:
            self._dictionary, self._load, self.version = None, d, version
        self._segmenter = segmenter
        self._memo: dict[str, dict[str, str]] = {}

    @property
    def dictionary(self) -> Dictionary:
        if self._dictionary is None:
            self._dictionary = self._load()
        return self._dictionary

    def _seg(self):
        if self._segmenter is None:
            from ..segment import Segmenter
            self._segmenter = Segmenter()
        return self._segmenter

    def _tag(self, sentence: str) -> list[tuple[str, str]]:
        """jieba.posseg's (word, flag) pairs, on the segmenter's rjieba (digest/postag.py)."""
        return self._seg().pos_tagged(sentence)

    def freq(self, word: str) -> int:
        return self._seg().freq(word)

    def __call__(self, sentence: str) -> dict[str, str]:
        found = self._memo.get(sentence)
        if found is None:
            tagged = self._tag(sentence)
            found = self._memo[sentence] = find_names(sentence, tagged, self.dictionary, self.freq)
        return found

    def label(self, word: str) -> str | None:
        """A keyword's English label from the dictionary: its name, or its first sense."""
        en = dictionary_name(word, self.dictionary) or self.dictionary.senses.get(word)
        if en is None:
            return None
        return en[:1].upper() + en[1:]
