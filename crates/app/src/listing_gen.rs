//! Realistic listings for the demo and for benchmarks: patent-style supply titles and shop-floor
//! demand descriptions across the eight high-tech fields, from a fixed vocabulary written here.

/// One field's vocabulary: (field, [(full technical term, trade word or abbreviation)], objects, problems, IPC).
struct Field {
    name: &'static str,
    terms: &'static [(&'static str, &'static str)],
    objects: &'static [&'static str],
    problems: &'static [&'static str],
    ipc: &'static [&'static str],
}

const FIELDS: [Field; 8] = [
    Field {
        name: "新能源与节能",
        terms: &[
            ("锂离子电池", "锂电"),
            ("钠离子电池", "钠电"),
            ("电池管理系统", "BMS"),
            ("光伏组件", "光伏板"),
            ("储能变流器", "PCS"),
        ],
        objects: &["隔膜材料", "正极材料", "热管理装置", "均衡电路", "电芯模组"],
        problems: &[
            "充放电循环后容量衰减快",
            "低温下续航明显下降",
            "模组温差大、发热严重",
            "电芯一致性差、返修率高",
        ],
        ipc: &["H01M 50/40", "H01M 10/44", "H02J 7/00", "H01L 31/04"],
    },
    Field {
        name: "先进制造与自动化",
        terms: &[
            ("自动导引车", "AGV"),
            ("自动光学检测", "AOI"),
            ("可编程逻辑控制器", "PLC"),
            ("工业机器人", "机械臂"),
            ("数控机床", "CNC"),
        ],
        objects: &[
            "路径规划方法",
            "视觉定位系统",
            "柔性夹具",
            "故障诊断装置",
            "调度系统",
        ],
        problems: &[
            "多台设备路径冲突、经常卡顿",
            "误检率高、人工复检成本大",
            "换线时间长、良率不稳定",
            "设备突发停机、维修响应慢",
        ],
        ipc: &["G05D 1/02", "G06T 7/00", "B25J 9/16", "G05B 19/418"],
    },
    Field {
        name: "电子信息",
        terms: &[
            ("集成电路", "芯片"),
            ("第五代移动通信", "5G"),
            ("物联网", "IoT"),
            ("人工智能", "AI"),
            ("现场可编程门阵列", "FPGA"),
        ],
        objects: &[
            "基站散热装置",
            "低功耗通信模组",
            "边缘计算网关",
            "图像识别算法",
            "封装结构",
        ],
        problems: &[
            "设备发热导致降频",
            "无线连接不稳定、丢包多",
            "数据处理延迟高",
            "识别准确率不够、漏报多",
        ],
        ipc: &["H04W 88/08", "H01L 23/367", "G06N 3/08", "H04L 67/12"],
    },
    Field {
        name: "新材料",
        terms: &[
            ("碳纤维复合材料", "碳纤维"),
            ("石墨烯", "石墨烯"),
            ("高分子材料", "塑料"),
            ("陶瓷基复合材料", "陶瓷"),
            ("涂层材料", "涂层"),
        ],
        objects: &[
            "增强薄膜",
            "耐高温涂层",
            "导热界面材料",
            "轻量化结构件",
            "可降解包装材料",
        ],
        problems: &[
            "产品重量大、运输成本高",
            "高温环境下涂层开裂脱落",
            "散热不良、客户投诉多",
            "材料老化快、更换频繁",
        ],
        ipc: &["C08J 5/18", "C09D 5/00", "C04B 35/80", "B32B 27/08"],
    },
    Field {
        name: "生物与新医药",
        terms: &[
            ("单克隆抗体", "单抗"),
            ("体外诊断", "IVD"),
            ("医疗器械", "器械"),
            ("细胞治疗", "CAR-T"),
            ("中药制剂", "中药"),
        ],
        objects: &[
            "快速检测试剂盒",
            "靶向递送系统",
            "微创手术器械",
            "制剂工艺",
            "生物传感器",
        ],
        problems: &[
            "检测耗时长、门诊排队久",
            "原料药收率低、成本高",
            "器械操作复杂、培训难",
            "样本保存困难、运输损耗大",
        ],
        ipc: &["G01N 33/53", "A61K 9/00", "A61B 17/00", "C12N 5/10"],
    },
    Field {
        name: "资源与环境",
        terms: &[
            ("挥发性有机物", "VOCs"),
            ("污水处理", "污水"),
            ("固体废物资源化", "固废"),
            ("脱硫脱硝", "脱硝"),
            ("土壤修复", "土壤"),
        ],
        objects: &[
            "催化氧化装置",
            "膜生物反应器",
            "分选回收系统",
            "在线监测设备",
            "吸附材料",
        ],
        problems: &[
            "废气排放超标、环保检查压力大",
            "污泥处置费用高",
            "废料堆积、回收利用率低",
            "监测数据不准、运维频繁",
        ],
        ipc: &["B01D 53/86", "C02F 3/12", "B09B 3/00", "G01N 21/31"],
    },
    Field {
        name: "航空航天",
        terms: &[
            ("无人机", "无人机"),
            ("卫星导航", "北斗"),
            ("航空发动机", "发动机"),
            ("复合材料机身", "机身"),
            ("飞行控制系统", "飞控"),
        ],
        objects: &[
            "姿态控制方法",
            "高精度定位模块",
            "叶片检测装置",
            "轻量化蒙皮",
            "抗干扰天线",
        ],
        problems: &[
            "续航短、作业面积小",
            "定位漂移、作业精度差",
            "叶片缺陷难以发现",
            "结构件减重空间有限",
        ],
        ipc: &["B64C 39/02", "G01S 19/42", "F01D 5/14", "B64U 10/13"],
    },
    Field {
        name: "高技术服务",
        terms: &[
            ("检验检测", "检测"),
            ("知识产权服务", "知产"),
            ("工业设计", "设计"),
            ("技术转移", "技转"),
            ("软件即服务", "SaaS"),
        ],
        objects: &[
            "数字化检测平台",
            "专利分析系统",
            "产品外观设计",
            "供应链管理软件",
            "质量追溯系统",
        ],
        problems: &[
            "检测周期长、订单交付慢",
            "不清楚同行专利布局",
            "产品外观同质化、卖不上价",
            "质量问题难以追溯到批次",
        ],
        ipc: &["G06Q 10/08", "G06F 16/35", "G06Q 50/04", "G01M 99/00"],
    },
];

/// A generated listing's text and classification.
pub struct Generated {
    pub title: String,
    pub description: String,
    pub field: &'static str,
    pub ipc: &'static str,
    pub modes: Vec<&'static str>,
}

/// The `n`-th supply (deterministic).
pub fn supply(n: u64) -> Generated {
    let f = &FIELDS[(n % 8) as usize];
    let (term, _) = f.terms[((n / 8) % f.terms.len() as u64) as usize];
    let object = f.objects[((n / 40) % f.objects.len() as u64) as usize];
    let style = (n / 200) % 3;
    let title = match style {
        0 => format!("一种{term}{object}及其制备方法"),
        1 => format!("基于{term}的{object}"),
        _ => format!("一种用于{term}的{object}、系统及应用"),
    };
    let problem = f.problems[((n / 7) % f.problems.len() as u64) as usize];
    Generated {
        description: format!(
            "本发明公开了{title}，针对现有{term}{problem}的问题，通过优化{object}的结构与工艺参数，显著提升了性能与可靠性，适用于规模化生产。"
        ),
        title,
        field: f.name,
        ipc: f.ipc[(n % f.ipc.len() as u64) as usize],
        modes: match n % 4 {
            0 => vec!["转让", "许可"],
            1 => vec!["普通许可"],
            2 => vec!["作价入股", "合作开发"],
            _ => vec!["转让"],
        },
    }
}

/// The `n`-th demand, in the words of a shop floor (abbreviations, symptoms, costs).
pub fn demand(n: u64) -> Generated {
    let f = &FIELDS[(n % 8) as usize];
    let (_, short) = f.terms[((n / 8) % f.terms.len() as u64) as usize];
    let problem = f.problems[((n / 40) % f.problems.len() as u64) as usize];
    let object = f.objects[((n / 3) % f.objects.len() as u64) as usize];
    Generated {
        title: format!("{short}{problem}，求解决方案"),
        description: format!(
            "我司产线使用{short}相关设备，目前{problem}，每月损失约 {} 万元，客户也有投诉。希望引进成熟的{object}技术或与高校合作开发，预算可谈。",
            5 + n % 40
        ),
        field: f.name,
        ipc: f.ipc[(n % f.ipc.len() as u64) as usize],
        modes: match n % 3 {
            0 => vec!["技术服务"],
            1 => vec!["合作开发", "许可"],
            _ => vec!["转让"],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_listings_vary_and_check() {
        let today = chrono_today();
        let titles: std::collections::HashSet<String> = (0..600).map(|n| supply(n).title).collect();
        assert!(
            titles.len() >= 300,
            "{} distinct supply titles",
            titles.len()
        );
        for n in 0..50 {
            for g in [supply(n), demand(n)] {
                let input = zhiyun_domain::listing::ListingInput {
                    kind: Some("supply".into()),
                    title: Some(g.title.clone()),
                    description: Some(g.description.clone()),
                    field: Some(g.field.into()),
                    ipc: vec![g.ipc.into()],
                    modes: g.modes.iter().map(|m| m.to_string()).collect(),
                    district_code: Some("310104".into()),
                    contact_name: Some("张明".into()),
                    contact_phone: Some("13812345678".into()),
                    valid_until: Some(
                        (today + chrono::Duration::days(300))
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                    ..Default::default()
                };
                zhiyun_domain::listing::check_listing(&input, today)
                    .unwrap_or_else(|e| panic!("{}: {e:?}", g.title));
            }
        }
        assert!(
            supply(0).title.contains("锂离子电池"),
            "{}",
            supply(0).title
        );
    }

    fn chrono_today() -> chrono::NaiveDate {
        chrono::Utc::now().date_naive()
    }
}
