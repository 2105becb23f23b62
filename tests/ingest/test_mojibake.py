from digest.ingest.mojibake import repair_line


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
