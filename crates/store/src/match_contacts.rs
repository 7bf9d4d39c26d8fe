//! T3, issue 18: contact requests between the owners of a suggested demand–supply pair, and the
//! deal lead an operator makes of an exchanged pair.

use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::matching::contact::ContactState;

use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool};

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ContactRow {
    pub id: i64,
    pub demand_id: i64,
    pub supply_id: i64,
    pub requested_by_org: i64,
    pub requested_by_user: i64,
    pub requested_at: i64,
    pub state: String,
    pub answered_by_user: Option<i64>,
    pub answered_at: Option<i64>,
    pub lead_id: Option<i64>,
}

/// One side of a pair: its listing and the listing's owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairSide {
    pub listing_id: i64,
    pub title: String,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub district_code: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// A request with both sides of its pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub id: i64,
    pub demand: PairSide,
    pub supply: PairSide,
    pub requested_by_org: i64,
    pub requested_by_user: i64,
    pub requested_at: i64,
    pub state: ContactState,
    pub answered_by_user: Option<i64>,
    pub answered_at: Option<i64>,
    pub lead_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct JoinedRow {
    id: i64,
    demand_id: i64,
    supply_id: i64,
    requested_by_org: i64,
    requested_by_user: i64,
    requested_at: i64,
    state: String,
    answered_by_user: Option<i64>,
    answered_at: Option<i64>,
    lead_id: Option<i64>,
    d_title: String,
    d_owner: i64,
    d_owner_name: String,
    d_district: String,
    d_contact_name: String,
    d_contact_phone: String,
    s_title: String,
    s_owner: i64,
    s_owner_name: String,
    s_district: String,
    s_contact_name: String,
    s_contact_phone: String,
}

impl TryFrom<JoinedRow> for ContactRecord {
    type Error = StoreError;

    fn try_from(r: JoinedRow) -> Result<ContactRecord> {
        Ok(ContactRecord {
            state: ContactState::parse(&r.state).ok_or_else(|| StoreError::Corrupt {
                entity: "match_contact",
                id: r.id,
                detail: format!("state {:?}", r.state),
            })?,
            id: r.id,
            demand: PairSide {
                listing_id: r.demand_id,
                title: r.d_title,
                owner_org_id: r.d_owner,
                owner_name: r.d_owner_name,
                district_code: r.d_district,
                contact_name: r.d_contact_name,
                contact_phone: r.d_contact_phone,
            },
            supply: PairSide {
                listing_id: r.supply_id,
                title: r.s_title,
                owner_org_id: r.s_owner,
                owner_name: r.s_owner_name,
                district_code: r.s_district,
                contact_name: r.s_contact_name,
                contact_phone: r.s_contact_phone,
            },
            requested_by_org: r.requested_by_org,
            requested_by_user: r.requested_by_user,
            requested_at: r.requested_at,
            answered_by_user: r.answered_by_user,
            answered_at: r.answered_at,
            lead_id: r.lead_id,
        })
    }
}

const SELECT: &str =
    "SELECT c.id, c.demand_id, c.supply_id, c.requested_by_org, c.requested_by_user,
        c.requested_at, c.state, c.answered_by_user, c.answered_at, c.lead_id,
        d.title AS d_title, d.owner_org_id AS d_owner, dorg.name AS d_owner_name,
        d.district_code AS d_district, d.contact_name AS d_contact_name,
        d.contact_phone AS d_contact_phone,
        s.title AS s_title, s.owner_org_id AS s_owner, sorg.name AS s_owner_name,
        s.district_code AS s_district, s.contact_name AS s_contact_name,
        s.contact_phone AS s_contact_phone
    FROM match_contacts c
    JOIN listings d ON d.id = c.demand_id
    JOIN organisations dorg ON dorg.id = d.owner_org_id
    JOIN listings s ON s.id = c.supply_id
    JOIN organisations sorg ON sorg.id = s.owner_org_id";

const COLUMNS: &str = "id, demand_id, supply_id, requested_by_org, requested_by_user, requested_at,
    state, answered_by_user, answered_at, lead_id";

impl Db {
    async fn contacts_where(&self, filter: &str, arg: &str) -> Result<Vec<ContactRecord>> {
        let sql = format!("{SELECT} WHERE {filter} ORDER BY c.requested_at DESC, c.id DESC");
        let rows = on_pool!(self, p => sqlx::query_as::<_, JoinedRow>(sqlx::AssertSqlSafe(sql))
            .bind(arg)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(ContactRecord::try_from).collect()
    }

    async fn contacts_where_id(&self, filter: &str, arg: i64) -> Result<Vec<ContactRecord>> {
        let sql = format!("{SELECT} WHERE {filter} ORDER BY c.requested_at DESC, c.id DESC");
        let rows = on_pool!(self, p => sqlx::query_as::<_, JoinedRow>(sqlx::AssertSqlSafe(sql))
            .bind(arg)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(ContactRecord::try_from).collect()
    }

    /// A request by id.
    pub async fn contact_get(&self, id: i64) -> Result<ContactRecord> {
        self.contacts_where_id("c.id = $1", id)
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The request of a pair, if it has one.
    pub async fn contact_of_pair(
        &self,
        demand_id: i64,
        supply_id: i64,
    ) -> Result<Option<ContactRecord>> {
        let sql = format!("{SELECT} WHERE c.demand_id = $1 AND c.supply_id = $2");
        let row = on_pool!(self, p => sqlx::query_as::<_, JoinedRow>(sqlx::AssertSqlSafe(sql))
            .bind(demand_id)
            .bind(supply_id)
            .fetch_optional(p)
            .await?);
        row.map(ContactRecord::try_from).transpose()
    }

    /// The requests about one listing (as demand or supply), newest first.
    pub async fn contacts_of_listing(&self, listing_id: i64) -> Result<Vec<ContactRecord>> {
        self.contacts_where_id("(c.demand_id = $1 OR c.supply_id = $1)", listing_id)
            .await
    }

    /// The requests about an organisation's listings (either side), newest first.
    pub async fn contacts_of_org(&self, org_id: i64) -> Result<Vec<ContactRecord>> {
        self.contacts_where_id("(d.owner_org_id = $1 OR s.owner_org_id = $1)", org_id)
            .await
    }

    /// The exchanged pairs with a listing in `district`, newest first (the operator's home).
    pub async fn contacts_exchanged_in_district(
        &self,
        district: &str,
    ) -> Result<Vec<ContactRecord>> {
        self.contacts_where(
            "c.state = 'accepted' AND (d.district_code = $1 OR s.district_code = $1)",
            district,
        )
        .await
    }

    /// Has `org_id` exchanged contacts with the owner of `listing_id` (a pair of that listing and
    /// one of `org_id`'s, both sides agreed)? T2: it then sees the listing's contact in full.
    pub async fn contact_exchanged_over(&self, listing_id: i64, org_id: i64) -> Result<bool> {
        let found: Option<i64> = on_pool!(self, p => sqlx::query_scalar(
            "SELECT c.id FROM match_contacts c \
             JOIN listings d ON d.id = c.demand_id JOIN listings s ON s.id = c.supply_id \
             WHERE c.state = 'accepted' \
             AND ((c.demand_id = $1 AND s.owner_org_id = $2) OR (c.supply_id = $1 AND d.owner_org_id = $2)) \
             LIMIT 1",
        )
        .bind(listing_id)
        .bind(org_id)
        .fetch_optional(p)
        .await?);
        Ok(found.is_some())
    }

    /// Every exchanged pair, newest first (administrators).
    pub async fn contacts_exchanged(&self) -> Result<Vec<ContactRecord>> {
        let sql =
            format!("{SELECT} WHERE c.state = 'accepted' ORDER BY c.requested_at DESC, c.id DESC");
        let rows = on_pool!(self, p => sqlx::query_as::<_, JoinedRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(ContactRecord::try_from).collect()
    }

    /// Store a new request (or, `accepted_by` given, a pair both sides wanted at once). A pair
    /// has one request: a second is `already_requested`.
    pub async fn contact_insert(&self, new: &ContactRow, who: &Who) -> Result<ContactRecord> {
        let sql = format!(
            "INSERT INTO match_contacts (demand_id, supply_id, requested_by_org, requested_by_user,
                requested_at, state, answered_by_user, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
        );
        let id = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, ContactRow>(sqlx::AssertSqlSafe(sql))
                .bind(new.demand_id)
                .bind(new.supply_id)
                .bind(new.requested_by_org)
                .bind(new.requested_by_user)
                .bind(new.requested_at)
                .bind(new.state.as_str())
                .bind(new.answered_by_user)
                .bind(new.answered_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| {
                    if crate::unique_violation(&e) {
                        StoreError::Conflict {
                            code: Code::AlreadyRequested,
                            field: None,
                            message: "该配对已发出对接请求".into(),
                        }
                    } else {
                        e.into()
                    }
                })?;
            audit!(tx, who, "create", "match_contact", row.id, None::<&ContactRow>, Some(&row));
            tx.commit().await?;
            row.id
        });
        self.contact_get(id).await
    }

    /// Answer a waiting request (accepted or declined) at `at`; an answered one is
    /// `already_decided` (someone answered meanwhile).
    pub async fn contact_answer(
        &self,
        id: i64,
        state: ContactState,
        user_id: i64,
        at: i64,
        who: &Who,
    ) -> Result<ContactRecord> {
        let select = format!("SELECT {COLUMNS} FROM match_contacts WHERE id = $1");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, ContactRow>(sqlx::AssertSqlSafe(select.clone()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let done = sqlx::query(
                "UPDATE match_contacts SET state = $1, answered_by_user = $2, answered_at = $3
                 WHERE id = $4 AND state = 'requested'",
            )
            .bind(state.slug())
            .bind(user_id)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict {
                    code: Code::AlreadyDecided,
                    field: None,
                    message: "该对接请求已处理".into(),
                });
            }
            let after = sqlx::query_as::<_, ContactRow>(sqlx::AssertSqlSafe(select))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, state.slug(), "match_contact", id, Some(&before), Some(&after));
            tx.commit().await?;
        });
        self.contact_get(id).await
    }

    /// Make a deal lead (without a meeting, outcome 跟进) of an exchanged pair, once: its id. A
    /// pair not exchanged is `contacts_not_exchanged`, a second lead `lead_exists`.
    pub async fn contact_make_lead(
        &self,
        id: i64,
        created_by: i64,
        at: i64,
        who: &Who,
    ) -> Result<i64> {
        let select = format!("SELECT {COLUMNS} FROM match_contacts WHERE id = $1");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, ContactRow>(sqlx::AssertSqlSafe(select.clone()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let state = ContactState::parse(&before.state).ok_or_else(|| StoreError::Corrupt {
                entity: "match_contact",
                id,
                detail: format!("state {:?}", before.state),
            })?;
            zhiyun_domain::matching::contact::check_lead(state, before.lead_id.is_some()).map_err(
                |code| StoreError::Conflict {
                    code,
                    field: None,
                    message: if code == Code::LeadExists {
                        "该配对已转为交易线索".into()
                    } else {
                        "双方尚未交换联系方式".into()
                    },
                },
            )?;
            let lead: (i64,) = sqlx::query_as(
                "INSERT INTO deal_leads (meeting_id, demand_id, supply_id, outcome, created_by, created_at)
                 VALUES (NULL, $1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(before.demand_id)
            .bind(before.supply_id)
            .bind(zhiyun_domain::event::Outcome::FollowUp.slug())
            .bind(created_by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let done = sqlx::query(
                "UPDATE match_contacts SET lead_id = $1 WHERE id = $2 AND lead_id IS NULL",
            )
            .bind(lead.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict {
                    code: Code::LeadExists,
                    field: None,
                    message: "该配对已转为交易线索".into(),
                });
            }
            let after = ContactRow {
                lead_id: Some(lead.0),
                ..before.clone()
            };
            audit!(tx, who, "create", "deal_lead", lead.0, None::<&i64>, Some(&after));
            audit!(tx, who, "lead", "match_contact", id, Some(&before), Some(&after));
            tx.commit().await?;
            Ok(lead.0)
        })
    }
}
