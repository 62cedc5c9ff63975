//! What QueryInstanceBill and DescribeInstanceBill share: a month's bill lines — or one day's of
//! it, with `Granularity` DAILY and its `BillingDate` — summed per instance, subscription type and
//! line kind, and per billing item too when `IsBillingItem` is true; `ProductCode`,
//! `SubscriptionType` and `IsHideZeroCharge` narrow the rows as on QueryBill. Rows come in the
//! order their first line was made, so a month's rows only ever grow at the end and a page read
//! once reads the same again. A line falls on the day its usage began (a usage line's bill window)
//! or it was made (the rest), in Asia/Shanghai, as its month does.

use super::cycle::{billing_cycle, Filter};
use super::{subscription_type, Amounts};
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::store::bills::{BillLine, LineKind};
use crate::world::Buyer;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What an instance bill request asks for, read from its parameters.
pub struct Request<'p> {
    pub month: String,
    /// `yyyy-MM-dd`, with `Granularity` DAILY.
    pub day: Option<String>,
    pub per_item: bool,
    hide_zero: bool,
    filter: Filter<'p>,
}

impl<'p> Request<'p> {
    /// `BillingCycle`, `Granularity` (MONTHLY, the default, or DAILY, else `InvalidGranularity`)
    /// with `BillingDate` (`yyyy-MM-dd`, required for DAILY: `MissingBillingDate`,
    /// `InvalidBillingDate`), `IsBillingItem`, `IsHideZeroCharge` and the filters. A day outside
    /// the cycle answers the cycle's whole month, as the real API documents.
    pub fn of(call: &Call<'p>) -> Result<Request<'p>, ApiError> {
        let month = billing_cycle(call)?;
        let daily = match call.params.get("Granularity").map(str::trim) {
            None | Some("MONTHLY") => false,
            Some("DAILY") => true,
            Some(_) => return Err(ErrorCode::Invalid("Granularity".into()).into()),
        };
        let day = if daily {
            let sent = call.params.required("BillingDate")?.trim();
            let date = chrono::NaiveDate::parse_from_str(sent, "%Y-%m-%d")
                .ok()
                .filter(|_| sent.len() == 10)
                .ok_or_else(|| ErrorCode::Invalid("BillingDate".into()))?;
            Some(date.format("%Y-%m-%d").to_string()).filter(|d| d.starts_with(&month))
        } else {
            None
        };
        Ok(Request {
            month,
            day,
            per_item: call.params.bool("IsBillingItem")?.unwrap_or(false),
            hide_zero: call.params.bool("IsHideZeroCharge")?.unwrap_or(false),
            filter: Filter::of(call, false)?,
        })
    }

    /// The rows of the buyer's bill the request asks for, and narrowed further by `admits`.
    pub fn rows(
        &self,
        call: &Call<'_>,
        buyer: &Buyer,
        admits: impl Fn(&BillLine) -> bool,
    ) -> Result<Vec<Row>, ApiError> {
        let lines = call.sim.store().bill_lines(&buyer.ali_uid, &self.month)?;
        let mut rows: Vec<Row> = Vec::new();
        // Where each row is in `rows`, by what makes a line one of its.
        let mut index: HashMap<(&str, &str, &str, Option<&str>), usize> = HashMap::new();
        for line in lines.iter().filter(|l| {
            self.filter.admits(l) && admits(l) && self.day.as_ref().is_none_or(|d| day_of(l) == *d)
        }) {
            let key = (
                line.instance_id.as_str(),
                line.product_code.as_str(),
                line.kind.code(),
                self.per_item.then_some(line.item.as_str()),
            );
            match index.get(&key) {
                Some(&at) => rows[at].add(line),
                None => {
                    index.insert(key, rows.len());
                    rows.push(Row::of(line, self.per_item));
                }
            }
        }
        rows.retain(|r| !(self.hide_zero && r.amount.is_zero()));
        Ok(rows)
    }
}

/// The Asia/Shanghai day a line falls on, `yyyy-MM-dd`.
fn day_of(line: &BillLine) -> String {
    let ms = line.window.map_or(line.billed_at, |(start, _)| start * 1000);
    let t = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    protocol::time::local(t).format("%Y-%m-%d").to_string()
}

/// The lines of one instance, subscription type and kind (and billing item), summed.
pub struct Row {
    pub instance_id: String,
    pub product_code: String,
    /// The SKU of the row's latest line.
    pub sku_id: String,
    pub kind: LineKind,
    /// The billing item, when the request asks per item.
    pub item: Option<String>,
    pub metering_key: Option<String>,
    pub unit_price: Option<Decimal>,
    /// Usage in billing units, summed, when the row's lines have any.
    pub usage: Option<Decimal>,
    pub amount: Decimal,
    /// The bill windows its lines cover.
    windows: BTreeSet<(i64, i64)>,
}

impl Row {
    fn of(line: &BillLine, per_item: bool) -> Row {
        let mut row = Row {
            instance_id: line.instance_id.clone(),
            product_code: line.product_code.clone(),
            sku_id: line.sku_id.clone(),
            kind: line.kind,
            item: per_item.then(|| line.item.clone()),
            metering_key: line.metering_key.clone().filter(|_| per_item),
            unit_price: line.unit_price.filter(|_| per_item),
            usage: None,
            amount: Decimal::ZERO,
            windows: BTreeSet::new(),
        };
        row.add(line);
        row
    }

    fn add(&mut self, line: &BillLine) {
        self.amount += line.amount;
        if let Some(usage) = line.usage {
            self.usage = Some(self.usage.unwrap_or_default() + usage);
        }
        self.windows.extend(line.window);
        line.sku_id.clone_into(&mut self.sku_id);
    }

    /// The seconds of usage the row's bill windows cover, when it has any.
    pub fn service_seconds(&self) -> Option<i64> {
        (!self.windows.is_empty()).then(|| self.windows.iter().map(|(s, e)| e - s).sum())
    }
}

/// The unit a metering Key is billed in, as the instance bill writes `UsageUnit`.
/// (`protocol::metering::rating`): hours, megabytes, megabits, thousands of tokens, or the Key.
fn billing_unit(key: &str) -> &str {
    match key {
        "Period" => "Hour",
        "Storage" => "MB",
        "NetworkOut" | "NetworkIn" => "Mb",
        "KTokens" => "1000 Tokens",
        _ => key,
    }
}

/// A row of an instance bill as QueryInstanceBill's item has it (DescribeInstanceBill's adds a
/// few fields to these).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceBillItem {
    #[serde(rename = "InstanceID")]
    instance_id: String,
    #[serde(rename = "OwnerID")]
    owner_id: String,
    billing_date: String,
    item: &'static str,
    subscription_type: &'static str,
    product_code: String,
    product_name: String,
    product_type: &'static str,
    product_detail: String,
    commodity_code: String,
    pip_code: String,
    instance_spec: String,
    instance_config: &'static str,
    nick_name: &'static str,
    billing_type: &'static str,
    billing_item: String,
    list_price: String,
    list_price_unit: String,
    usage: String,
    usage_unit: String,
    service_period: String,
    service_period_unit: &'static str,
    deducted_by_resource_package: &'static str,
    region: &'static str,
    zone: &'static str,
    #[serde(rename = "InternetIP")]
    internet_ip: &'static str,
    #[serde(rename = "IntranetIP")]
    intranet_ip: &'static str,
    resource_group: &'static str,
    cost_unit: &'static str,
    tag: &'static str,
    #[serde(flatten)]
    amounts: Amounts,
}

impl InstanceBillItem {
    /// `row` of `buyer`'s bill; `day` its `BillingDate` when the request is DAILY.
    pub fn of(call: &Call<'_>, buyer: &Buyer, row: &Row, day: Option<&str>) -> InstanceBillItem {
        let product = call.sim.world().product(&row.product_code);
        let unit = row.metering_key.as_deref().map(billing_unit).unwrap_or_default();
        let text = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        let seconds = row.service_seconds();
        InstanceBillItem {
            instance_id: row.instance_id.clone(),
            owner_id: buyer.ali_uid.clone(),
            billing_date: day.unwrap_or_default().to_owned(),
            item: row.kind.code(),
            subscription_type: subscription_type(row.kind),
            product_code: row.product_code.clone(),
            product_name: product.map(|p| p.name.clone()).unwrap_or_default(),
            product_type: "",
            product_detail: product.map(|p| p.name.clone()).unwrap_or_default(),
            commodity_code: row.product_code.clone(),
            pip_code: row.product_code.clone(),
            instance_spec: product
                .and_then(|p| p.sku(&row.sku_id))
                .map_or_else(|| row.sku_id.clone(), |s| s.name.clone()),
            instance_config: "",
            nick_name: "",
            billing_type: "",
            billing_item: row.item.clone().unwrap_or_default(),
            list_price: text(row.unit_price),
            list_price_unit: row.unit_price.map(|_| format!("CNY/{unit}")).unwrap_or_default(),
            usage: text(row.usage.filter(|_| row.item.is_some()).map(|u| u.normalize())),
            usage_unit: row
                .usage
                .filter(|_| row.item.is_some())
                .map(|_| unit.to_owned())
                .unwrap_or_default(),
            service_period: seconds.map(|s| s.to_string()).unwrap_or_default(),
            service_period_unit: if seconds.is_some() { "秒" } else { "" },
            deducted_by_resource_package: "0.00",
            region: "",
            zone: "",
            internet_ip: "",
            intranet_ip: "",
            resource_group: "",
            cost_unit: "",
            tag: "",
            amounts: Amounts::paid(row.amount),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(window: Option<(i64, i64)>, billed_at: i64) -> BillLine {
        BillLine {
            id: 1,
            ali_uid: "1763420985012345".into(),
            month: "2023-08".into(),
            kind: LineKind::PayAsYouGo,
            product_code: "cmgj00061912".into(),
            instance_id: "1".into(),
            sku_id: "cmgj00061912-payg".into(),
            order_id: None,
            item: "计算".into(),
            metering_key: Some("Period".into()),
            metering_assit: None,
            window,
            usage: None,
            unit_price: None,
            amount: Decimal::ZERO,
            records: 1,
            duplicates: 0,
            billed_at,
        }
    }

    #[test]
    fn a_line_falls_on_the_shanghai_day_its_usage_began_or_it_was_made() {
        // 2023-08-15 23:00–24:00 +08:00, billed at 01:00 on the 16th: the 15th's.
        let late = 1_692_111_600;
        assert_eq!(
            day_of(&line(Some((late, late + 3600)), (late + 7200) * 1000)),
            "2023-08-15"
        );
        // 2023-08-16 00:00 +08:00 is still the 15th in UTC: the 16th's.
        assert_eq!(day_of(&line(Some((late + 3600, late + 7200)), 0)), "2023-08-16");
        // An order made at 2023-08-15 23:30 +08:00: the 15th's.
        assert_eq!(day_of(&line(None, (late + 1800) * 1000)), "2023-08-15");
    }

    #[test]
    fn rows_sum_their_lines_and_count_each_bill_window_once() {
        let mut first = line(Some((0, 3600)), 0);
        first.amount = Decimal::new(180, 2);
        first.usage = Some(Decimal::new(15, 1));
        let mut second = line(Some((0, 3600)), 0);
        second.amount = Decimal::new(1, 2);
        second.sku_id = "cmgj00061912-payg-enterprise".into();
        let mut row = Row::of(&first, false);
        row.add(&second);
        assert_eq!(
            (row.amount, row.service_seconds()),
            (Decimal::new(181, 2), Some(3600))
        );
        assert_eq!(row.sku_id, "cmgj00061912-payg-enterprise");
    }
}
