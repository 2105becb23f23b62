from digest.ingest import normalise


def test_seed000_structure(art000):
    a = art000.article
    assert a.title == "京口 扛起主城新使命，谱写“三区”新篇章"
    assert a.subtitle is None and a.dateline is None and a.editor is None and a.date is None
    assert a.byline == "薛诚 陶宝强 梅永生"
    assert [b.text for b in a.blocks if b.kind == "heading"] == [
        "数字腾飞，构筑产业集聚新高地", "奔跑支部，“犇”出项目建设加速度",
        "党建引领，打造基层治理“京”招牌", "为民惠民，托起安居乐业幸福梦"]
    assert a.original_script == "simplified"
    assert len([b for b in a.blocks if b.kind == "paragraph"]) == 15
    assert a.blocks[-1].text.endswith("辉煌业绩。")


def test_seed000_page_breaks(art000):
    a = art000.article
    assert a.repairs["page_breaks"] == 2
    texts = [b.text for b in a.blocks]
    assert any("主要领导担任支部副书记，职能部门" in t for t in texts)
    assert any("成立物业管理服务行业党委，探索" in t for t in texts)
    assert not any(t.startswith(("支部副书记", "行业党委")) for t in texts)


def test_seed003_structure(art003):
    a = art003.article
    assert a.title == "“区街一体”闯出高质量发展新路径"
    assert a.subtitle == "拼出融合加速度 干出产业新高度"
    assert a.dateline == "金山网讯"
    assert a.byline == "（记者 景泊 通讯员 张哲依）"
    assert a.editor == "臧一凡"
    assert a.date is None
    assert a.original_script == "traditional"
    assert [b.text for b in a.blocks if b.kind == "heading"] == [
        "体制改革破局：下好融合发展“一盘棋”", "经济发展跃升：跑出量质并进“加速度”",
        "党建引领：筑牢高质量发展“压舱石”"]
    assert a.blocks[0].text.startswith("盛夏的京口大地，热潮涌动。")
    assert a.blocks[-1].text.endswith("为发展保驾护航。")
    assert "上演着一场" in a.blocks[0].text
    assert len(a.blocks) == 14


def test_real_paragraphs_stay_separate():
    raw = ("标题\n\n第一段没有句号但是很长很长很长很长很长很长很长很长很长很长很长很长很长很长。\n\n"
           "小标题\n\n第二段。\n\n第三段很长，" + "很长" * 20 + "。\n").encode()
    a = normalise(raw, "x").article
    assert [b.kind for b in a.blocks] == ["paragraph", "heading", "paragraph", "paragraph"]


def test_short_line_continued_by_comma_is_joined():
    raw = "标题\n\n导语。\n\n第一段开头\n\n，接着说完。\n\n另一段。\n".encode()
    a = normalise(raw, "x").article
    assert [b.text for b in a.blocks] == ["导语。", "第一段开头，接着说完。", "另一段。"]


def test_line_endings_and_spaces():
    raw = "\r\n\u3000\u3000标题\u00a0 \r\n\r\n\u3000\u3000第一段 ， 内容。  \r第二段。\r\n\r\n".encode()
    a = normalise(raw, "x").article
    assert a.title == "标题" and [b.text for b in a.blocks] == ["第一段，内容。", "第二段。"]


def test_date_line_and_dateline():
    raw = "标题\n\n新华社北京2024年5月6日电（记者 张三）今天天气很好。\n\n第二段。\n".encode()
    a = normalise(raw, "x").article
    assert a.dateline == "新华社北京2024年5月6日电（记者 张三）" and a.date == "2024-05-06"
    assert a.blocks[0].text == "今天天气很好。"
    raw = "标题\n2024-05-06 10:30\n正文第一段。\n\n正文第二段。\n责任编辑：王五\n".encode()
    a = normalise(raw, "x").article
    assert a.date == "2024-05-06" and a.editor == "王五" and len(a.blocks) == 2


def test_event_dates_in_body_are_not_the_date(art000):
    assert "2019年3月4日" in "".join(b.text for b in art000.article.blocks)
    assert art000.article.date is None
