//! 办事指南 (`/guide`): where licence contracts are filed and pledges registered, online and in
//! Shanghai, and the exchanges that run deals. The one place these addresses and numbers live
//! (DOMAIN §4.1–4.3); the public home page shows a summary from the same data.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::auth::MaybeUser;
use crate::layout::{Layout, page};

pub fn routes() -> Router<AppState> {
    Router::new().route("/guide", get(guide_page))
}

/// A service offered on a CNIPA website.
pub struct Website {
    /// What is done there.
    pub purpose: &'static str,
    pub host: &'static str,
}

impl Website {
    pub fn url(&self) -> String {
        format!("https://{}/", self.host)
    }
}

pub struct Phone {
    pub purpose: &'static str,
    pub number: &'static str,
}

impl Phone {
    /// For `tel:` links: digits only.
    pub fn tel(&self) -> String {
        self.number.chars().filter(char::is_ascii_digit).collect()
    }
}

pub struct Office {
    pub name: &'static str,
    pub address: &'static str,
    pub handles: &'static str,
    pub phones: &'static [Phone],
}

pub struct Exchange {
    pub name: &'static str,
    pub abbr: &'static str,
}

/// One registration procedure: its basis, deadline and what the application holds.
pub struct Procedure {
    pub title: &'static str,
    pub basis: &'static str,
    pub facts: &'static [(&'static str, &'static str)],
    pub contents: &'static [&'static str],
    pub refused_when: &'static [&'static str],
}

pub struct Guide {
    /// When a licence contract must be filed (shown on the home page too).
    pub licence_deadline: &'static str,
    pub online: &'static [Website],
    pub office: Office,
    pub exchanges: &'static [Exchange],
    pub deal_modes: &'static [&'static str],
    pub deal_kinds: &'static [&'static str],
    pub procedures: &'static [Procedure],
}

pub const LICENCE_FILING_SITE: Website = Website {
    purpose: "专利实施许可合同备案、专利权质押登记",
    host: "cpservice.cnipa.gov.cn",
};

pub const TRANSFER_SITE: Website = Website {
    purpose: "专利著录项目变更（转让）",
    host: "cponline.cnipa.gov.cn",
};

/// 专利实施许可合同备案: the filing deadline.
pub const LICENCE_FILING_DEADLINE: &str = "合同生效之日起 3 个月内办理";

pub static GUIDE: Guide = Guide {
    licence_deadline: LICENCE_FILING_DEADLINE,
    online: &[LICENCE_FILING_SITE, TRANSFER_SITE],
    office: Office {
        name: "国家知识产权局上海代办处",
        address: "上海市浦东新区世博村路340号",
        handles: "专利实施许可合同备案、专利权质押登记、商标专用权质押登记的线下办理与咨询",
        phones: &[
            Phone {
                purpose: "综合咨询",
                number: "021-23110892",
            },
            Phone {
                purpose: "专利质押登记",
                number: "021-23110893",
            },
            Phone {
                purpose: "商标质押登记",
                number: "021-23110865",
            },
        ],
    },
    exchanges: &[
        Exchange {
            name: "上海知识产权交易中心",
            abbr: "SIPEX",
        },
        Exchange {
            name: "上海技术交易所",
            abbr: "STEX",
        },
    ],
    deal_modes: &["协议转让", "拍卖", "招标", "竞价"],
    deal_kinds: &["转让", "许可", "作价投资（作价入股）"],
    procedures: &[
        Procedure {
            title: "专利实施许可合同备案",
            basis: "国家知识产权局令第 62 号（2011 年）",
            facts: &[
                ("办理时限", LICENCE_FILING_DEADLINE),
                ("审查期限", "国家知识产权局 7 个工作日内作出决定"),
                (
                    "许可类型",
                    "独占许可、排他许可、普通许可；开放许可（专利法第五十条至第五十二条）单列",
                ),
            ],
            contents: &[
                "许可人、被许可人：名称，统一社会信用代码或身份证件号码，地址",
                "每件专利：专利号、名称、申请日、授权公告日",
                "许可类型、许可期限（不得超过任一专利的期限届满日）、许可地域",
                "许可使用费及支付方式，合同生效日期",
            ],
            refused_when: &[
                "许可人不是专利权人",
                "专利权已终止或被宣告无效",
                "未按期缴纳年费",
                "专利权存在权属纠纷或被法院采取保全措施",
                "许可期限超过专利权期限",
                "同一合同已经备案",
                "专利已质押且未经质权人同意",
                "专利权共有人未同意",
            ],
        },
        Procedure {
            title: "专利权质押登记",
            basis: "国家知识产权局公告第 461 号（2021 年）",
            facts: &[
                ("申请人", "出质人和质权人共同申请"),
                ("办理时限", "无申请期限要求"),
                ("质权设立", "自国家知识产权局登记之日起设立"),
            ],
            contents: &[
                "出质人、质权人",
                "被担保债权的种类和数额，债务人履行债务的期限（不得晚于任一出质专利的期限届满日）",
                "担保范围",
                "每件专利：专利号、名称、申请日、授权公告日、主分类号",
                "价值评估报告（如有）",
            ],
            refused_when: &[
                "出质人不是专利权人",
                "专利权已终止、被宣告无效或尚未授权",
                "未缴纳费用",
                "专利权存在权属纠纷或被采取保全措施",
                "债务履行期限晚于专利权期限届满日",
                "专利权已经出质",
                "专利权共有人未同意",
            ],
        },
    ],
};

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    layout: Layout,
    guide: &'static Guide,
}

async fn guide_page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    page(&GuidePage {
        layout: Layout::new(&state, user.as_ref(), "办事指南", "guide"),
        guide: &GUIDE,
    })
}
