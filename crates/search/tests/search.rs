//! The search as the public pages use it: a small fixture of listings, each test one behaviour.

use std::collections::BTreeSet;

use zhiyun_search::{
    ListingDoc, PriceBand, Query, Results, SearchError, SearchIndex, Sort, Synonyms,
};

const WAN: i64 = 1_000_000;

#[allow(clippy::too_many_arguments)]
fn doc(
    id: i64,
    kind: &str,
    title: &str,
    description: &str,
    field: &str,
    modes: &[&str],
    district: &str,
    owner_kind: &str,
    owner_name: &str,
    ipc: &[&str],
    price_fen: Option<i64>,
    published_at: i64,
) -> ListingDoc {
    ListingDoc {
        id,
        kind: kind.into(),
        title: title.into(),
        description: description.into(),
        field: field.into(),
        modes: modes.iter().map(|m| m.to_string()).collect(),
        district_code: district.into(),
        owner_kind: owner_kind.into(),
        owner_name: owner_name.into(),
        ipc: ipc.iter().map(|c| c.to_string()).collect(),
        price_fen,
        published_at,
        updated_at: published_at,
        visible: true,
    }
}

/// Nine public listings and one hidden (id 8).
fn fixture() -> Vec<ListingDoc> {
    let mut hidden = doc(
        8,
        "supply",
        "一种锂离子电池隔膜涂层（草稿）",
        "尚未发布的草稿。",
        "新能源与节能",
        &["转让"],
        "310104",
        "university",
        "上海交通大学",
        &["H01M 50/449"],
        None,
        8000,
    );
    hidden.visible = false;
    vec![
        doc(
            1,
            "supply",
            "一种锂离子电池隔膜材料及其制备方法",
            "本发明公开了一种在聚乙烯基膜表面涂覆陶瓷层的隔膜，提高动力电池的热稳定性和安全性。",
            "新能源与节能",
            &["转让", "许可"],
            "310104",
            "university",
            "上海交通大学",
            &["H01M 50/40"],
            Some(50 * WAN),
            1000,
        ),
        doc(
            2,
            "supply",
            "一种锂电池正极材料及其制备方法",
            "高镍三元正极材料，循环寿命长，适用于电动汽车。",
            "新能源与节能",
            &["转让"],
            "310115",
            "university",
            "复旦大学",
            &["H01M 4/525"],
            Some(8 * WAN),
            2000,
        ),
        doc(
            3,
            "supply",
            "一种电池管理系统的主动均衡电路",
            "用于储能电站电池组的主动均衡，减少单体电压差异。",
            "新能源与节能",
            &["许可"],
            "310112",
            "enterprise",
            "上海某储能科技有限公司",
            &["H02J 7/00"],
            None,
            3000,
        ),
        doc(
            4,
            "demand",
            "寻求仓储物流自动导引车调度技术",
            "我司仓库有二十台自动导引车，需要多车路径规划与调度算法。",
            "先进制造与自动化",
            &["合作开发"],
            "310115",
            "enterprise",
            "上海某物流有限公司",
            &[],
            None,
            4000,
        ),
        doc(
            5,
            "supply",
            "一种5G基站用散热装置",
            "基站机柜内的液冷散热结构，体积小，噪声低。",
            "电子信息",
            &["转让"],
            "310104",
            "enterprise",
            "上海某通信设备有限公司",
            &["H05K 7/20"],
            Some(300 * WAN),
            5000,
        ),
        doc(
            6,
            "demand",
            "海外专利布局咨询",
            "计划通过PCT途径进入欧美市场，寻求专利布局与申请服务。",
            "高技术服务",
            &["技术服务"],
            "310101",
            "enterprise",
            "上海某医疗器械有限公司",
            &[],
            Some(20 * WAN),
            6000,
        ),
        doc(
            7,
            "supply",
            "一种反渗透膜的制备方法",
            "海水淡化用复合反渗透膜，脱盐率高。",
            "资源与环境",
            &["转让"],
            "310112",
            "university",
            "华东理工大学",
            &["B01D 69/12"],
            Some(120 * WAN),
            7000,
        ),
        hidden,
        doc(
            9,
            "supply",
            "基于自动光学检测的PCB缺陷识别方法",
            "利用机器视觉对印制电路板的焊点缺陷进行识别。",
            "电子信息",
            &["许可"],
            "310104",
            "university",
            "同济大学",
            &["G06T 7/00"],
            None,
            9000,
        ),
        doc(
            10,
            "supply",
            "一种钠离子电池硬碳负极材料",
            "以生物质为前驱体制备硬碳，首次库伦效率高。",
            "新材料",
            &["作价入股"],
            "310114",
            "institute",
            "中国科学院上海某研究所",
            &["H01M 4/583"],
            None,
            10000,
        ),
    ]
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_ram(Synonyms::builtin()).unwrap();
    assert_eq!(index.rebuild(fixture()).unwrap(), 10);
    index
}

fn search(index: &SearchIndex, q: &Query) -> Results {
    index.search(q).unwrap()
}

fn ids(r: &Results) -> Vec<i64> {
    r.hits.iter().map(|h| h.id).collect()
}

fn id_set(r: &Results) -> BTreeSet<i64> {
    r.hits.iter().map(|h| h.id).collect()
}

fn text_ids(index: &SearchIndex, text: &str) -> BTreeSet<i64> {
    id_set(&search(index, &Query::text(text)))
}

fn set(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

#[test]
fn lithium_battery_separator_finds_the_full_term_but_not_other_lithium_batteries() {
    let index = index();
    let r = search(&index, &Query::text("锂电池 隔膜"));
    assert!(!r.relaxed);
    // 1 says 锂离子电池隔膜; 2 is a 锂电池 without 隔膜; 8 is hidden.
    assert_eq!(ids(&r), vec![1]);
    assert_eq!(r.total, 1);
    assert!(r.hits[0].score > 0.0);
}

#[test]
fn trade_words_and_acronyms_find_the_full_terms() {
    let index = index();
    assert_eq!(text_ids(&index, "锂电"), set(&[1, 2]));
    assert_eq!(text_ids(&index, "BMS"), set(&[3]));
    assert_eq!(text_ids(&index, "bms"), set(&[3]));
    assert_eq!(text_ids(&index, "AGV"), set(&[4]));
    assert_eq!(text_ids(&index, "钠电"), set(&[10]));
    assert_eq!(text_ids(&index, "AOI"), set(&[9]));
    // And the other way round: the full term finds the acronym (PCB in a title).
    assert_eq!(text_ids(&index, "线路板"), set(&[9]));
}

#[test]
fn mixed_chinese_english_and_numbers() {
    let index = index();
    let r = search(&index, &Query::text("5G 基站"));
    assert_eq!(ids(&r), vec![5]);
    assert_eq!(text_ids(&index, "5g基站"), set(&[5]));
    assert_eq!(text_ids(&index, "５Ｇ"), set(&[5]));
    assert_eq!(text_ids(&index, "PCT"), set(&[6]));
    assert_eq!(text_ids(&index, "pct 专利"), set(&[6]));
}

#[test]
fn a_word_inside_a_compound_matches() {
    let index = index();
    // jieba cuts 隔膜材料 and 反渗透膜 in its own ways; the n-grams still find 隔膜 and 渗透.
    assert_eq!(text_ids(&index, "隔膜"), set(&[1]));
    assert_eq!(text_ids(&index, "渗透"), set(&[7]));
    assert_eq!(text_ids(&index, "硬碳"), set(&[10]));
}

#[test]
fn single_characters_and_odd_input_do_not_break() {
    let index = index();
    let r = search(&index, &Query::text("膜"));
    assert_eq!(
        id_set(&r),
        set(&[1, 7]),
        "基膜/隔膜 and 反渗透膜; 8 is hidden"
    );
    assert!(
        r.hits
            .iter()
            .all(|h| h.title_html.contains("<mark>膜</mark>"))
    );
    // Punctuation only is no text at all: everything, newest first.
    let r = search(&index, &Query::text("，。！"));
    assert_eq!(r.total, 9);
    assert_eq!(r.hits[0].id, 10);
    for text in [
        "的",
        "a",
        "-",
        "\u{0}",
        "锂 电 池",
        "🔋电池",
        &"长".repeat(2000),
    ] {
        search(&index, &Query::text(text));
    }
}

#[test]
fn owner_names_and_ipc_codes_are_searchable() {
    let index = index();
    assert_eq!(text_ids(&index, "上海交通大学 隔膜"), set(&[1]));
    assert_eq!(text_ids(&index, "H01M"), set(&[1, 2, 10]));
    assert_eq!(text_ids(&index, "H01M 50/40"), set(&[1]));
}

#[test]
fn no_listing_with_every_word_falls_back_to_any_word_and_says_so() {
    let index = index();
    let r = search(&index, &Query::text("锂电池 区块链"));
    assert!(r.relaxed);
    assert_eq!(id_set(&r), set(&[1, 2]));
    let r = search(&index, &Query::text("区块链"));
    assert!(!r.relaxed);
    assert_eq!(r.total, 0);
    assert!(r.hits.is_empty());
    assert!(!r.single_chars);
}

/// Issue 17: a single character of the query (`不` of `不存在`) is no match while a longer
/// word may be found; when nothing else matches, hits on single characters are flagged.
#[test]
fn single_characters_are_a_last_flagged_resort() {
    let index = index();
    let r = search(&index, &Query::text("不存在"));
    assert!(r.hits.is_empty() || r.single_chars, "{r:?}");
    let r = search(&index, &Query::text("锂电池 区块链"));
    assert!(r.relaxed && !r.single_chars, "{r:?}");
    let r = search(&index, &Query::text("锂电池 隔膜"));
    assert!(!r.relaxed && !r.single_chars);
}

/// Issue 17: a first page the hits do not fill gets related listings (sharing character bigrams with
/// the query) after them and apart; never a hit again, never hidden, not in the total, and never
/// on single characters alone.
#[test]
fn related_listings_fill_a_short_page_apart_from_the_hits() {
    let index = index();
    let r = search(&index, &Query::text("锂电池 隔膜"));
    assert_eq!((ids(&r), r.total), (vec![1], 1));
    let related: Vec<i64> = r.related.iter().map(|h| h.id).collect();
    // 2 is a 锂电池 without 隔膜: related, not a hit; 8 (hidden) never shows.
    assert!(related.contains(&2), "{related:?}");
    assert!(
        !related.contains(&1) && !related.contains(&8),
        "{related:?}"
    );
    assert!(related.len() <= 19);
    // A full page has no room for them, and a date order has no use for them.
    let full = search(
        &index,
        &Query {
            per_page: 1,
            ..Query::text("锂电池 隔膜")
        },
    );
    assert!(full.related.is_empty());
    let newest = search(
        &index,
        &Query {
            sort: Sort::Newest,
            ..Query::text("锂电池 隔膜")
        },
    );
    assert!(newest.related.is_empty());
    // One character has no bigram: no related listings on single characters.
    assert!(search(&index, &Query::text("膜")).related.is_empty());
    // Filters apply to them as to the hits.
    let supplies = search(
        &index,
        &Query {
            kind: Some("demand".into()),
            ..Query::text("锂电池 隔膜")
        },
    );
    assert!(!supplies.related.iter().any(|h| h.id == 2 || h.id == 1));
}

/// The related listings on an index of many segments (one commit per listing, as listings are
/// published one by one) are the same as on one segment: the hits are left out, and nothing
/// else, in every segment. (The first version left the hits out with a `MustNot` of the text
/// query; once, in CI, that tripped a tantivy debug assertion in a phrase scorer. It did not
/// happen again in 24 local runs, so this test guards the result, not that failure.)
#[test]
fn related_listings_are_the_same_over_many_segments() {
    let one = index();
    let many = SearchIndex::in_ram(Synonyms::builtin()).unwrap();
    for doc in fixture() {
        many.upsert(&doc).unwrap();
    }
    for text in [
        "锂电池 隔膜",
        "隔膜 基站",
        "电池 均衡",
        "储能电站 正极",
        "反渗透 5G",
    ] {
        let related = |index: &SearchIndex| -> BTreeSet<i64> {
            search(index, &Query::text(text))
                .related
                .iter()
                .map(|h| h.id)
                .collect()
        };
        assert_eq!(related(&many), related(&one), "{text}");
        assert_eq!(text_ids(&many, text), text_ids(&one, text), "{text}");
    }
}

#[test]
fn filters_narrow_the_results() {
    let index = index();
    let all = |f: &dyn Fn(&mut Query)| {
        let mut q = Query {
            per_page: 100,
            ..Query::default()
        };
        f(&mut q);
        id_set(&search(&index, &q))
    };
    assert_eq!(all(&|q| q.kind = Some("demand".into())), set(&[4, 6]));
    assert_eq!(
        all(&|q| q.field = Some("新能源与节能".into())),
        set(&[1, 2, 3])
    );
    assert_eq!(all(&|q| q.mode = Some("许可".into())), set(&[1, 3, 9]));
    assert_eq!(
        all(&|q| q.district = Some("310104".into())),
        set(&[1, 5, 9])
    );
    assert_eq!(
        all(&|q| q.owner_kind = Some("university".into())),
        set(&[1, 2, 7, 9])
    );
    let band = |b: PriceBand| all(&|q| q.price_band = Some(b));
    assert_eq!(band(PriceBand::Negotiable), set(&[3, 4, 9, 10]));
    assert_eq!(band(PriceBand::Under10Wan), set(&[2]));
    assert_eq!(band(PriceBand::From10To50Wan), set(&[6]));
    assert_eq!(band(PriceBand::From50To200Wan), set(&[1, 7]));
    assert_eq!(band(PriceBand::Over200Wan), set(&[5]));
    // Text and filters together; two filters together.
    let mut q = Query::text("电池");
    q.owner_kind = Some("university".into());
    assert_eq!(id_set(&search(&index, &q)), set(&[1, 2]));
    assert_eq!(
        all(&|q| {
            q.mode = Some("转让".into());
            q.district = Some("310104".into());
        }),
        set(&[1, 5])
    );
    // An unknown value matches nothing.
    assert!(all(&|q| q.field = Some("不存在".into())).is_empty());
}

fn pairs(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|&(s, n)| (s.to_string(), n)).collect()
}

#[test]
fn facet_counts_over_the_matching_set() {
    let index = index();
    let f = search(&index, &Query::default()).facets;
    assert_eq!(f.kind, pairs(&[("supply", 7), ("demand", 2)]));
    assert_eq!(
        f.field,
        pairs(&[
            ("新能源与节能", 3),
            ("电子信息", 2),
            ("先进制造与自动化", 1),
            ("新材料", 1),
            ("资源与环境", 1),
            ("高技术服务", 1),
        ])
    );
    assert_eq!(
        f.mode,
        pairs(&[
            ("转让", 4),
            ("许可", 3),
            ("作价入股", 1),
            ("合作开发", 1),
            ("技术服务", 1),
        ])
    );
    assert_eq!(
        f.district,
        pairs(&[
            ("310104", 3),
            ("310112", 2),
            ("310115", 2),
            ("310101", 1),
            ("310114", 1),
        ])
    );
    assert_eq!(
        f.owner_kind,
        pairs(&[("enterprise", 4), ("university", 4), ("institute", 1)])
    );
    assert_eq!(
        f.price_band,
        vec![
            (PriceBand::Negotiable, 4),
            (PriceBand::Under10Wan, 1),
            (PriceBand::From10To50Wan, 1),
            (PriceBand::From50To200Wan, 2),
            (PriceBand::Over200Wan, 1),
        ]
    );

    // With text: counts over the hits only.
    let f = search(&index, &Query::text("电池")).facets;
    assert_eq!(f.field, pairs(&[("新能源与节能", 3), ("新材料", 1)]));
    assert_eq!(
        f.owner_kind,
        pairs(&[("university", 2), ("enterprise", 1), ("institute", 1)])
    );

    // A filtered dimension keeps its other values (counted without its own filter); the other
    // dimensions count within the filter.
    let q = Query {
        field: Some("新能源与节能".into()),
        ..Query::default()
    };
    let r = search(&index, &q);
    assert_eq!(r.total, 3);
    assert_eq!(r.facets.field.len(), 6);
    assert_eq!(r.facets.field[0], ("新能源与节能".to_string(), 3));
    assert_eq!(r.facets.mode, pairs(&[("许可", 2), ("转让", 2)]));
    assert_eq!(
        r.facets.price_band,
        vec![
            (PriceBand::Negotiable, 1),
            (PriceBand::Under10Wan, 1),
            (PriceBand::From50To200Wan, 1),
        ]
    );
}

#[test]
fn hidden_listings_only_with_include_hidden() {
    let index = index();
    let mut q = Query::text("锂离子电池 隔膜");
    assert_eq!(id_set(&search(&index, &q)), set(&[1]));
    q.include_hidden = true;
    let r = search(&index, &q);
    assert_eq!(id_set(&r), set(&[1, 8]));
    assert_eq!(r.facets.kind, pairs(&[("supply", 2)]));
    let mut all = Query::default();
    assert_eq!(search(&index, &all).total, 9);
    all.include_hidden = true;
    assert_eq!(search(&index, &all).total, 10);
}

#[test]
fn sort_newest_orders_by_published_at() {
    let index = index();
    let mut q = Query::text("电池");
    q.sort = Sort::Newest;
    let r = search(&index, &q);
    assert_eq!(ids(&r), vec![10, 3, 2, 1]);
    // Relevance puts the titles that say 电池 first; same set.
    q.sort = Sort::Relevance;
    let r = search(&index, &q);
    assert_eq!(id_set(&r), set(&[1, 2, 3, 10]));
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
    // Empty text is always newest first.
    let r = search(&index, &Query::default());
    assert_eq!(ids(&r), vec![10, 9, 7, 6, 5, 4, 3, 2, 1]);
}

#[test]
fn a_title_match_ranks_above_a_description_match() {
    let index = index();
    let title = doc(
        11,
        "demand",
        "寻求储能电站消防技术",
        "",
        "新能源与节能",
        &[],
        "310120",
        "enterprise",
        "",
        &[],
        None,
        1,
    );
    index.upsert(&title).unwrap();
    // 3 has 储能电站 in its description only; 11, older, in its title.
    assert_eq!(ids(&search(&index, &Query::text("储能"))), vec![11, 3]);
}

#[test]
fn pagination() {
    let index = index();
    let mut q = Query {
        per_page: 4,
        ..Query::default()
    };
    let mut seen = Vec::new();
    for page in 1..=3 {
        q.page = page;
        let r = search(&index, &q);
        assert_eq!((r.total, r.pages, r.page, r.per_page), (9, 3, page, 4));
        assert_eq!(r.hits.len(), if page < 3 { 4 } else { 1 });
        seen.extend(ids(&r));
    }
    assert_eq!(seen, vec![10, 9, 7, 6, 5, 4, 3, 2, 1]);
    q.page = 4;
    let r = search(&index, &q);
    assert!(r.hits.is_empty());
    assert_eq!(r.total, 9);
    // Page 0 is page 1; per_page is clamped.
    q.page = 0;
    q.per_page = 0;
    let r = search(&index, &q);
    assert_eq!((r.page, r.per_page, r.pages, ids(&r)), (1, 1, 9, vec![10]));
    q.per_page = 10_000;
    assert_eq!(search(&index, &q).per_page, zhiyun_search::MAX_PER_PAGE);
}

#[test]
fn upsert_replaces_delete_removes_rebuild_replaces_everything() {
    let index = index();
    assert_eq!(index.num_docs(), 10);
    let mut changed = fixture().remove(0);
    changed.title = "一种钠离子电池隔膜材料".into();
    index.upsert(&changed).unwrap();
    index.upsert(&changed).unwrap();
    assert_eq!(index.num_docs(), 10, "replaced, not duplicated");
    assert_eq!(text_ids(&index, "钠电"), set(&[1, 10]));
    // The old title is gone: no listing has both words any more.
    assert!(search(&index, &Query::text("锂电池 隔膜")).relaxed);

    // Hiding a listing is an upsert too.
    changed.visible = false;
    index.upsert(&changed).unwrap();
    assert_eq!(text_ids(&index, "钠电"), set(&[10]));

    index.delete(5).unwrap();
    index.delete(12345).unwrap();
    assert_eq!(index.num_docs(), 9);
    assert!(text_ids(&index, "5G").is_empty());

    let only = doc(
        42,
        "demand",
        "寻求钙钛矿电池封装技术",
        "",
        "新能源与节能",
        &[],
        "310120",
        "enterprise",
        "",
        &[],
        None,
        1,
    );
    assert_eq!(index.rebuild(vec![only]).unwrap(), 1);
    assert_eq!(index.num_docs(), 1);
    assert!(text_ids(&index, "电池").contains(&42));
    assert!(text_ids(&index, "钠电").is_empty());
    assert_eq!(index.upsert_many(&fixture()).unwrap(), 10);
    assert_eq!(index.num_docs(), 11);
}

#[test]
fn highlights_mark_matches_and_escape_html() {
    let index = index();
    let r = search(&index, &Query::text("锂电池 隔膜"));
    assert_eq!(
        r.hits[0].title_html,
        "一种<mark>锂离子电池</mark><mark>隔膜</mark>材料及其制备方法"
    );
    assert!(
        r.hits[0].snippet_html.contains("<mark>隔膜</mark>"),
        "{}",
        r.hits[0].snippet_html
    );
    let r = search(&index, &Query::text("agv"));
    assert_eq!(
        r.hits[0].title_html,
        "寻求仓储物流<mark>自动导引车</mark>调度技术"
    );

    let evil = doc(
        99,
        "supply",
        "<script>alert('x')</script>隔膜检测 & 装置",
        "说明里也有<b>隔膜</b>。",
        "新材料",
        &[],
        "310104",
        "enterprise",
        "",
        &[],
        None,
        1,
    );
    index.upsert(&evil).unwrap();
    let r = search(&index, &Query::text("隔膜 检测"));
    let hit = r.hits.iter().find(|h| h.id == 99).expect("found");
    assert_eq!(
        hit.title_html,
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<mark>隔膜</mark><mark>检测</mark> &amp; 装置"
    );
    assert_eq!(
        hit.snippet_html,
        "说明里也有&lt;b&gt;<mark>隔膜</mark>&lt;/b&gt;。"
    );
}

#[test]
fn an_operators_synonym_file_is_used() {
    let extra = "# 运营人员补充\n\n柔性显示，可折叠屏  # 手机行业说法\n";
    let text = format!("{}\n{extra}", Synonyms::builtin_text());
    let extended = Synonyms::parse(&text).unwrap();
    assert_eq!(extended.len(), Synonyms::builtin().len() + 1);
    let listing = doc(
        1,
        "supply",
        "一种可折叠屏铰链结构",
        "",
        "电子信息",
        &[],
        "310104",
        "enterprise",
        "",
        &[],
        None,
        1,
    );

    let plain = SearchIndex::in_ram(Synonyms::builtin()).unwrap();
    plain.upsert(&listing).unwrap();
    assert!(text_ids(&plain, "柔性显示").is_empty());

    let custom = SearchIndex::in_ram(extended).unwrap();
    custom.upsert(&listing).unwrap();
    assert_eq!(text_ids(&custom, "柔性显示"), set(&[1]));
    assert_eq!(text_ids(&custom, "锂电"), set(&[]));
}

#[test]
fn a_bad_synonym_line_is_reported_in_chinese_with_its_number() {
    let err = Synonyms::parse("锂电 锂电池\n\n# 注释\n电池隔膜/隔膜\n").unwrap_err();
    assert!(matches!(err, SearchError::Synonyms { line: 4, .. }));
    assert!(err.to_string().starts_with("同义词文件第 4 行"), "{err}");
}

#[test]
fn a_directory_index_survives_reopening_and_is_held_by_one_owner() {
    assert_eq!(index_empty_synced_through(), None);
    // An index that does not know what it holds learns nothing from one change.
    let unknown = SearchIndex::in_ram(Synonyms::builtin()).unwrap();
    unknown.upsert_change(fixture().iter().take(1), 1).unwrap();
    assert_eq!(unknown.synced_through(), None);
    let dir = std::env::temp_dir().join(format!("zhiyun-search-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let index = SearchIndex::open_or_create(&dir, Synonyms::builtin()).unwrap();
        index.rebuild(fixture()).unwrap();
        let second = SearchIndex::open_or_create(&dir, Synonyms::builtin());
        assert!(
            matches!(second, Err(SearchError::Locked)),
            "{:?}",
            second.err()
        );
    }
    let index = SearchIndex::open_or_create(&dir, Synonyms::builtin()).unwrap();
    assert_eq!(index.num_docs(), 10);
    assert_eq!(text_ids(&index, "锂电池 隔膜"), set(&[1]));
    // What the index holds (every listing change through N) is remembered across reopening,
    // set by a rebuild, raised by a catch-up, moved on by the change right after it, and neither
    // by a plain upsert nor by a change that leaves a gap; a change it holds already is not
    // written again (a catch-up may have brought newer content).
    assert_eq!(index.synced_through(), Some(0));
    index
        .try_rebuild(fixture().into_iter().map(Ok::<_, String>), 7)
        .unwrap();
    assert_eq!(index.synced_through(), Some(7));
    let mut later = fixture().remove(0);
    later.title = "换了标题的锂电池隔膜".into();
    index.upsert(&later).unwrap();
    assert_eq!(index.synced_through(), Some(7));
    assert_eq!(index.upsert_change([&later], 9).unwrap(), 1);
    assert_eq!(index.synced_through(), Some(7), "change 8 is not in yet");
    assert_eq!(index.upsert_change([&later], 8).unwrap(), 1);
    assert_eq!(index.synced_through(), Some(8));
    assert_eq!(index.upsert_through([&later], 12).unwrap(), 1);
    assert_eq!(index.synced_through(), Some(12));
    let mut stale = later.clone();
    stale.title = "旧标题".into();
    assert_eq!(index.upsert_change([&stale], 11).unwrap(), 0);
    assert_eq!(text_ids(&index, "换了标题"), set(&[1]));
    drop(index);
    let index = SearchIndex::open_or_create(&dir, Synonyms::builtin()).unwrap();
    assert_eq!(index.synced_through(), Some(12));
    index.rebuild(fixture()).unwrap();
    assert_eq!(index.synced_through(), Some(0));
    drop(index);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_index_is_shared_across_threads() {
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<SearchIndex>();
    let index = index();
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let index = index.clone();
            std::thread::spawn(move || {
                for i in 0..5 {
                    let id = 1000 + t * 10 + i;
                    let d = doc(
                        id,
                        "supply",
                        "一种无人机电池快换装置",
                        "",
                        "航空航天",
                        &["转让"],
                        "310120",
                        "enterprise",
                        "",
                        &[],
                        None,
                        id,
                    );
                    index.upsert(&d).unwrap();
                    index.search(&Query::text("无人机")).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let mut q = Query::text("UAV");
    q.per_page = 100;
    assert_eq!(search(&index, &q).total, 20);
}

/// Generated listings for the rebuild benchmark: patent-style titles and a few sentences each.
fn generated(n: usize) -> Vec<ListingDoc> {
    const SUBJECTS: &[&str] = &[
        "锂离子电池隔膜",
        "钠离子电池正极",
        "电池管理系统",
        "自动导引车",
        "工业机器人",
        "机器视觉检测",
        "5G基站天线",
        "碳化硅功率器件",
        "反渗透膜",
        "污水处理工艺",
        "无人机",
        "燃料电池电堆",
        "光伏组件",
        "单克隆抗体",
        "体外诊断试剂",
        "聚酰亚胺薄膜",
        "数控机床主轴",
        "激光雷达",
        "可编程逻辑控制器",
        "石墨烯导热膜",
    ];
    const FORMS: &[&str] = &["一种", "基于", "面向", "用于"];
    const ENDS: &[&str] = &["及其制备方法", "的控制方法", "装置", "系统", "的检测方法"];
    const SENTENCES: &[&str] = &[
        "本发明公开了一种结构简单、成本低廉的技术方案。",
        "通过优化工艺参数，显著提高了产品的一致性和可靠性。",
        "适用于新能源汽车、储能电站和消费电子等领域。",
        "该方法能够降低能耗百分之二十以上，具有良好的产业化前景。",
        "实验结果表明，性能指标优于现有技术。",
        "可与现有生产线兼容，便于推广应用。",
    ];
    const FIELDS: &[&str] = &["电子信息", "新能源与节能", "先进制造与自动化", "新材料"];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % m
    };
    (0..n)
        .map(|i| {
            let title = format!(
                "{}{}{}",
                FORMS[next(FORMS.len())],
                SUBJECTS[next(SUBJECTS.len())],
                ENDS[next(ENDS.len())]
            );
            let description: String = (0..4).map(|_| SENTENCES[next(SENTENCES.len())]).collect();
            let mut d = doc(
                i as i64,
                if i % 3 == 0 { "demand" } else { "supply" },
                &title,
                &format!("{}{description}", SUBJECTS[next(SUBJECTS.len())]),
                FIELDS[next(FIELDS.len())],
                &["转让", "许可"][..1 + next(2)],
                &format!("3101{:02}", 1 + next(16)),
                if i % 2 == 0 {
                    "university"
                } else {
                    "enterprise"
                },
                "上海某大学",
                &["H01M 50/40"],
                (i % 4 != 0).then(|| (next(500) as i64) * WAN),
                i as i64,
            );
            d.visible = i % 10 != 0;
            d
        })
        .collect()
}

#[test]
#[ignore = "timing only: cargo test --release -- --ignored bench_rebuild_20k --nocapture"]
fn bench_rebuild_20k() {
    let docs = generated(20_000);
    let index = SearchIndex::in_ram(Synonyms::builtin()).unwrap();
    let start = std::time::Instant::now();
    let n = index.rebuild(docs).unwrap();
    let elapsed = start.elapsed();
    println!(
        "rebuild: {n} docs in {:.2} s = {:.0} docs/s",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    let start = std::time::Instant::now();
    let r = index.search(&Query::text("锂电 隔膜")).unwrap();
    println!(
        "search `锂电 隔膜`: {} hits in {:.1} ms",
        r.total,
        start.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(n, 20_000);
    assert!(r.total > 0);
}

fn index_empty_synced_through() -> Option<i64> {
    SearchIndex::in_ram(Synonyms::builtin())
        .unwrap()
        .synced_through()
}

#[test]
fn a_cached_result_never_outlives_a_write() {
    let index = index();
    assert_eq!(text_ids(&index, "锂电池 隔膜"), set(&[1]));
    let mut gone = fixture().remove(0);
    gone.visible = false;
    index.upsert(&gone).unwrap();
    // The same query again, answered after the write: not from the cache.
    assert!(!text_ids(&index, "锂电池 隔膜").contains(&1));
    gone.visible = true;
    index.upsert(&gone).unwrap();
    assert_eq!(text_ids(&index, "锂电池 隔膜"), set(&[1]));
}
