from collections import Counter

import opencc
import pytest

from digest.ingest import normalise
from digest.chars import HAN_RE
from digest.ingest.mojibake import Repair, repair_line
from digest.ingest.script import to_simplified


def test_seed003_repair_and_warning(art003):
    a = art003.article
    assert a.repairs["mojibake"] == 1
    text = "".join(b.text for b in a.blocks)
    assert "勇?lián)革试点重任" in text            # repaired run, remnant kept verbatim
    assert "母镌圏" not in text
    msgs = [(line, m) for line, m in art003.warnings if m.startswith("mojibake")]
    assert [line for line, _ in msgs] == [5, 5]
    assert any("'?lián)'" in m for _, m in msgs)


def test_real_rare_character_untouched(art000):
    text = "".join(b.text for b in art000.article.blocks)
    assert "“犇”出项目建设加速度" in text
    assert "mojibake" not in art000.article.repairs and not art000.warnings


def test_made_up_shift_repaired():
    # "发展质量b" lost its first byte: every pair is read off by one, the "b" is swallowed
    damaged = "发展质量b".encode("gbk")[1:].decode("gbk")
    assert damaged == "⒄怪柿縝"
    line, repairs, warnings = repair_line("他说" + damaged + "很好")
    assert line == "他说展质量b很好" and repairs and warnings


def test_no_evidence_no_repair():
    for text in ("犇出项目a", "镌刻在心b", "数字经济c", "Porter(1990)"):
        assert repair_line(text) == (text, [], [])


# ---------------------------------------------------------------- sound text is never touched
# Traditional prose as OpenCC s2t writes it: 裏 ends in the ASCII byte "Y" in GBK, so
# "家裏" shifted by one byte reads "已Y", and 「」 are not in a Simplified-centred common set
SOUND_TRADITIONAL = [
    "一羣年輕人在「公園」裏跑步。",                   # was "repaired" to 涣t年輕人…
    "「人才哪裏來」是這次會議的主題。",               # was 溉瞬拍难Y來」…
    "他在家裏看書，一羣孩子在院子裏玩。",             # was 他在已Y看書，涣t孩子在院友Y玩。
    "他說「我們家裏的事情」，大家都知道。",
]


@pytest.mark.parametrize("text", SOUND_TRADITIONAL)
def test_sound_traditional_untouched(text):
    assert repair_line(text) == (text, [], [])


def test_sound_traditional_file_and_big5_keep_every_character():
    text = "家裏的故事\n" + "\n".join(SOUND_TRADITIONAL) + "\n"
    taiwan = opencc.OpenCC("s2tw").convert(text)          # Big5 has 裡 and 群, not 裏 and 羣
    for text, raw in ((text, text.encode("utf-8")), (taiwan, taiwan.encode("big5"))):
        r = normalise(raw, "t.txt")
        assert not r.article.repairs.get("mojibake") and not r.warnings
        a = r.article
        out = "".join([a.title] + [b.text for b in a.blocks])
        assert Counter(HAN_RE.findall(out)) == Counter(HAN_RE.findall(to_simplified(text)))


def test_real_rare_characters_and_capitals_untouched():
    for text in ("“犇”出项目建设加速度", "A股上涨，B计划启动", "X光检查", "他的iPhone坏了"):
        assert repair_line(text) == (text, [], [])


# ---------------------------------------------------------------- damage: repaired or reported
TRAD = "京口經開區優化職能分工，聚焦主責主業，為高質量發展提供了組織保障和政策支撐。"
SIMP = "京口经开区优化职能分工，聚焦主责主业，为高质量发展提供了组织保障和政策支撑。"


def drop_byte(text: str, pos: int) -> str:
    """``text`` in GBK with the byte at ``pos`` lost, read back as GBK (how the seeds' damage arose)."""
    data = text.encode("gbk")
    return (data[:pos] + data[pos + 1:]).decode("gbk", errors="replace")


def han_bytes(text: str):
    """(index of the character, byte offset) for every byte of every Han character."""
    pos = 0
    for i, c in enumerate(text):
        n = len(c.encode("gbk"))
        if HAN_RE.match(c):
            yield from ((i, pos + b) for b in range(n))
        pos += n


def fffd_for_one(line: str, ideal: str) -> bool:
    """``line`` is ``ideal`` but for one character kept as U+FFFD (its second byte was lost)."""
    if len(line) != len(ideal):
        return False
    k = next((n for n, (a, b) in enumerate(zip(line, ideal)) if a != b), len(line))
    return line[k:k + 1] == "\ufffd" and line[k + 1:] == ideal[k + 1:]


def test_traditional_damage_repaired():
    # 聚 lost its first byte: 焦主責主業 read as 劢怪髫熤鳂I
    damaged = drop_byte(TRAD, TRAD.encode("gbk").index("聚".encode("gbk")))
    assert "劢怪髫熤鳂I" in damaged
    line, repairs, warnings = repair_line(damaged)
    assert line == TRAD.replace("聚", "", 1)
    assert repairs == [Repair("劢怪髫熤鳂I", "焦主責主業")] and "repaired as '焦主責主業'" in warnings[0]


def test_simplified_damage_repaired_up_to_the_replacement_character():
    # 发 lost its first byte; the misread run ends where a pair is not GBK (U+FFFD), which took
    # the second byte of 织 with it: 织 stays U+FFFD, everything between is repaired
    damaged = drop_byte(SIMP, SIMP.encode("gbk").index("发".encode("gbk")))
    assert "⒄固峁┝俗橹\ufffd" in damaged
    line, repairs, warnings = repair_line(damaged)
    assert line == SIMP.replace("发", "", 1).replace("织", "\ufffd", 1)
    assert repairs and any("U+FFFD" in w for w in warnings)


@pytest.mark.parametrize("text", [TRAD, SIMP])
def test_every_lost_byte_repaired_exactly_or_reported(text):
    # all 140 ways to lose one byte of a Han character in these two lines: never a wrong
    # repair, never silence
    for i, pos in han_bytes(text):
        damaged = drop_byte(text, pos)
        line, repairs, warnings = repair_line(damaged)
        ideal = text[:i] + text[i + 1:]
        if repairs:
            assert line == ideal or fffd_for_one(line, ideal), (damaged, line)
        else:
            assert line == damaged and any(w.startswith("mojibake") for w in warnings), damaged


def test_short_run_reported_not_repaired():
    # 主 lost a byte: 責主業 read as 熤鳂I; two characters back is too short to rule out chance
    damaged = "聚焦主熤鳂I，為高質量發展"
    line, repairs, warnings = repair_line(damaged)
    assert line == damaged and not repairs
    assert any("'熤鳂I'" in w and "cannot be verified" in w for w in warnings)


def test_lone_byte_after_chinese_reported():
    for text, shown in (("高高飄P，是陣地的堅守", "'飄P，'"), ("提供私M織保障", "'私M織'"),
                        ("北京市氣笈_26日", "'笈_2'"), ("為高|量發展", "'高|量'")):
        line, repairs, warnings = repair_line(text)
        assert line == text and not repairs and any(shown in w for w in warnings), text


def test_warnings_carry_the_line_number():
    damaged = drop_byte(TRAD, TRAD.encode("gbk").index("主".encode("gbk")))
    r = normalise(f"標題\n\n第一段。\n{damaged}\n".encode("utf-8"), "d.txt")
    assert [line for line, m in r.warnings if m.startswith("mojibake")] == [4]


# damaged WMT21 lines (bench/ingest_fidelity.py, seeds 0-1) that were "repaired" one character
# too early: the shift consumed a sound character and invented another in its place
WRONG_START = [
    ("为促进青少年健康成长营造良玫慕煌\ufffd空间、交往文化。", "良"),       # 良 -> 济
    ("分渭艺f，近來美中相互關閉對方領事館。", "分"),                       # 分 -> 治
    ("電影節的官方合作伙伴咪挂曨l和東方明珠百視通", "咪"),                  # 咪 -> 涔
    ("不少习惯使用余额宝的昵崛嘶怪苯幼\ufffd化为“基民”。", "的"),           # 的 -> 年
    ("中猩缬浾\ufffd 富田 攝", "中"),                                        # 中 -> 行
]


@pytest.mark.parametrize("damaged,sound", WRONG_START)
def test_a_sound_character_before_the_run_is_never_replaced(damaged, sound):
    line, repairs, warnings = repair_line(damaged)
    assert not repairs and line == damaged, (line, repairs)
    assert sound in line
    assert any(w.startswith("mojibake") for w in warnings)


def test_lone_bytes_of_traditional_damage_reported():
    # 是網 without 是's second byte reads 示W; 鄉 without its first byte leaves "l" opening the line
    for text, shown in (("中國政府示W絡安全的堅定維護者", "'示W絡'"), ("l村振興，人才是關鍵。", "'l村'")):
        line, repairs, warnings = repair_line(text)
        assert line == text and not repairs and any(shown in w for w in warnings), (text, warnings)


def test_a_replacement_character_is_named_with_the_run_it_ends():
    # the run one lost byte misread ends at the U+FFFD: the warning names it from where the
    # shift-back reads as prose, not a fixed number of characters before it
    line, repairs, warnings = repair_line("不少习惯使用余额宝的昵崛嘶怪苯幼\ufffd化为“基民”。")
    assert not repairs
    assert any("'的昵崛嘶怪苯幼\ufffd' holds what is left" in w for w in warnings), warnings
    line, repairs, warnings = repair_line("中猩缬浾\ufffd 富田 攝")
    assert len(warnings) == len(set(warnings))
    # without a reading that gains, the characters before it are named as before
    assert repair_line("他说好\ufffd了")[2] == [
        "mojibake: '他说好\ufffd' holds what is left of characters whose bytes were lost ('\ufffd'); kept as it is"]


def test_a_name_opening_a_line_with_a_letter_is_not_damage():
    for text in ("e租宝案开庭审理", "k歌之王"):
        assert repair_line(text) == (text, [], [])
