//! Payments received against the contracted amount (T8: deal amounts contracted and actually
//! received): `POST /api/v1/deals/{id}/payments`, and the totals shown wherever deals are summed.

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Stage;
use super::fields;
use crate::money::{Fen, WanText};
use crate::validation::{Errors, FieldError};

/// Received may exceed contracted by at most this much: a rounding fen, never more.
pub const ROUNDING_TOLERANCE_FEN: i64 = 1;

/// The body of `POST /api/v1/deals/{id}/payments`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct PaymentInput {
    /// 万元, a decimal string or a number.
    pub amount_wan: Option<WanText>,
    /// YYYY-MM-DD
    pub received_on: Option<String>,
}

/// A checked payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub amount: Fen,
    pub received_on: NaiveDate,
}

/// Payments are recorded on a signed deal, until it is completed; not while negotiating nor once
/// cancelled (refunds are not modelled).
pub fn accepts_payments(stage: Stage) -> bool {
    stage.counts_as_deal()
}

/// Check a payment on a deal with `contracted` and `received_so_far`, reporting every bad field:
/// `amount_wan` required, > 0, at most two decimals of 万元 (`required`, `bad_amount`,
/// `out_of_range`, ...); `received_on` required, a date not after `today` (`date_in_future`);
/// and the total received may not exceed the contracted amount by more than one fen
/// (`exceeds_contract`, on `amount_wan`, with the three figures in 万元).
pub fn check_payment(
    contracted: Fen,
    received_so_far: Fen,
    input: &PaymentInput,
    today: NaiveDate,
) -> Result<Payment, Vec<FieldError>> {
    let mut errs = Errors::default();
    let amount = errs.take(fields::wan_2dp(
        "amount_wan",
        "到账金额（万元）",
        input.amount_wan.as_ref(),
        true,
    ));
    let received_on = errs.take(fields::required_date(
        "received_on",
        "到账日期",
        input.received_on.as_deref(),
        Some(today),
    ));
    if let Some(a) = amount {
        let total = received_so_far.fen().saturating_add(a.fen());
        if total - contracted.fen() > ROUNDING_TOLERANCE_FEN {
            errs.push(FieldError::new(
                "amount_wan",
                Code::ExceedsContract,
                format!(
                    "到账合计将超过合同金额：合同金额 {} 万元，已到账 {} 万元，本次 {} 万元",
                    contracted.to_wan_2dp(),
                    received_so_far.to_wan_2dp(),
                    a.to_wan_2dp()
                ),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Payment {
        amount: amount.expect("checked"),
        received_on: received_on.expect("checked"),
    })
}

/// Contracted vs received (T8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    pub contracted: Fen,
    pub received: Fen,
    /// contracted − received, never below zero.
    pub outstanding: Fen,
}

/// The totals as the API answers them: decimal strings of 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalsWan {
    pub contracted_wan: String,
    pub received_wan: String,
    pub outstanding_wan: String,
}

impl Totals {
    /// The totals of one deal (or of many: add the contracted amounts first).
    pub fn of(contracted: Fen, payments: impl IntoIterator<Item = Fen>) -> Totals {
        let received = payments
            .into_iter()
            .fold(Fen::ZERO, |s, p| s.checked_add(p).unwrap_or(s));
        Totals {
            contracted,
            received,
            outstanding: contracted.saturating_sub(received),
        }
    }

    /// The sum of several deals' totals.
    pub fn sum(all: impl IntoIterator<Item = Totals>) -> Totals {
        let (c, r) = all.into_iter().fold((Fen::ZERO, Fen::ZERO), |(c, r), t| {
            (
                c.checked_add(t.contracted).unwrap_or(c),
                r.checked_add(t.received).unwrap_or(r),
            )
        });
        Totals {
            contracted: c,
            received: r,
            outstanding: c.saturating_sub(r),
        }
    }

    pub fn wan(&self) -> TotalsWan {
        TotalsWan {
            contracted_wan: self.contracted.to_wan_2dp(),
            received_wan: self.received.to_wan_2dp(),
            outstanding_wan: self.outstanding.to_wan_2dp(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn wan(s: &str) -> Fen {
        Fen::parse_wan(s).unwrap()
    }

    fn pay(amount: &str, on: &str) -> PaymentInput {
        PaymentInput {
            amount_wan: Some(WanText(amount.into())),
            received_on: Some(on.into()),
        }
    }

    fn codes(r: Result<Payment, Vec<FieldError>>) -> Vec<(String, &'static str)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    const TODAY: &str = "2024-06-01";

    #[test]
    fn t8_a_payment_up_to_the_contracted_amount_is_accepted() {
        let p = check_payment(
            wan("120.5"),
            wan("80.5"),
            &pay("40", "2022-06-30"),
            d(TODAY),
        )
        .unwrap();
        assert_eq!(p.amount, wan("40"));
        assert_eq!(p.received_on, d("2022-06-30"));
        // A number in JSON is as good as a string.
        let i: PaymentInput =
            serde_json::from_str(r#"{"amount_wan": 40.25, "received_on": "2024-06-01"}"#).unwrap();
        assert_eq!(
            check_payment(wan("100"), Fen::ZERO, &i, d(TODAY))
                .unwrap()
                .amount,
            wan("40.25")
        );
    }

    #[test]
    fn t8_received_may_not_exceed_contracted_by_more_than_a_fen() {
        // One fen over (a contracted amount not on the hundred-yuan grid) is rounding: accepted.
        let contracted = Fen::from_fen(99_999_999).unwrap();
        assert!(check_payment(contracted, Fen::ZERO, &pay("100", "2024-01-01"), d(TODAY)).is_ok());
        let contracted = Fen::from_fen(99_999_998).unwrap();
        assert_eq!(
            codes(check_payment(
                contracted,
                Fen::ZERO,
                &pay("100", "2024-01-01"),
                d(TODAY)
            )),
            [("amount_wan".to_string(), "exceeds_contract")]
        );
        let e = check_payment(wan("120.5"), wan("100"), &pay("30", "2024-01-01"), d(TODAY))
            .unwrap_err();
        assert_eq!(e[0].code, "exceeds_contract");
        assert!(
            e[0].message.contains("合同金额 120.50 万元")
                && e[0].message.contains("已到账 100.00 万元")
                && e[0].message.contains("本次 30.00 万元"),
            "{}",
            e[0].message
        );
        // Exactly the rest is fine.
        assert!(
            check_payment(
                wan("120.5"),
                wan("100"),
                &pay("20.5", "2024-01-01"),
                d(TODAY)
            )
            .is_ok()
        );
    }

    #[test]
    fn t8_bad_payments_name_every_field() {
        let c =
            |a: &str, on: &str| codes(check_payment(wan("100"), Fen::ZERO, &pay(a, on), d(TODAY)));
        assert_eq!(
            c("0", "2024-06-02"),
            [
                ("amount_wan".to_string(), "out_of_range"),
                ("received_on".to_string(), "date_in_future")
            ]
        );
        assert_eq!(
            c("0.001", "2024-06-01"),
            [("amount_wan".to_string(), "bad_amount")]
        );
        assert_eq!(
            c("-5", "2024-06-01"),
            [("amount_wan".to_string(), "negative_amount")]
        );
        assert_eq!(
            c("5", "2024-6-1"),
            [("received_on".to_string(), "bad_date")]
        );
        assert_eq!(
            codes(check_payment(
                wan("100"),
                Fen::ZERO,
                &PaymentInput::default(),
                d(TODAY)
            )),
            [
                ("amount_wan".to_string(), "required"),
                ("received_on".to_string(), "required")
            ]
        );
    }

    #[test]
    fn t8_totals_show_contracted_received_and_outstanding() {
        let t = Totals::of(wan("120.5"), [wan("40"), wan("30.25")]);
        assert_eq!(t.received, wan("70.25"));
        assert_eq!(t.outstanding, wan("50.25"));
        let w = t.wan();
        assert_eq!(
            (
                w.contracted_wan.as_str(),
                w.received_wan.as_str(),
                w.outstanding_wan.as_str()
            ),
            ("120.50", "70.25", "50.25")
        );
        // A rounding fen over leaves nothing outstanding, never a negative.
        let over = Totals::of(Fen::from_fen(99_999_999).unwrap(), [wan("100")]);
        assert_eq!(over.outstanding, Fen::ZERO);
        let sum = Totals::sum([t, Totals::of(wan("10"), [])]);
        assert_eq!(
            (sum.contracted, sum.received, sum.outstanding),
            (wan("130.5"), wan("70.25"), wan("60.25"))
        );
        assert!(accepts_payments(Stage::Signed) && accepts_payments(Stage::Completed));
        assert!(!accepts_payments(Stage::Negotiating) && !accepts_payments(Stage::Cancelled));
    }
}
