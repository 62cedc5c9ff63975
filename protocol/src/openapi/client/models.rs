//! The typed answers of the client's helpers and the records it pushes, with the SDK models' field
//! names; the marketplace's numbers are read leniently (a number or a numeric string), as the SDK does.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// An integer the SDK models as `int`, read from a JSON number or a numeric string.
fn lenient_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A list of ids as strings, from a flat array or an `{"InstanceId": […]}` wrapper, of numbers or
/// strings.
fn lenient_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    fn items(v: &Value) -> Vec<String> {
        match v {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Value::Object(o) => o.values().flat_map(items).collect(),
            _ => Vec::new(),
        }
    }
    Ok(Option::<Value>::deserialize(d)?
        .map(|v| items(&v))
        .unwrap_or_default())
}

/// DescribeInstanceForIsv's answer, with the SDK model's field names.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InstanceForIsv {
    pub request_id: Option<String>,
    #[serde(deserialize_with = "lenient_int")]
    pub instance_id: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub order_id: Option<i64>,
    pub status: Option<String>,
    pub product_code: Option<String>,
    pub product_name: Option<String>,
    pub product_sku_code: Option<String>,
    pub product_type: Option<String>,
    pub supplier_name: Option<String>,
    /// A JSON string (the SDK keeps it as text): for SaaS, carries the instance's `authUrl`.
    pub app_json: Option<String>,
    pub host_json: Option<String>,
    pub extend_json: Option<String>,
    pub component_json: Option<String>,
    pub image_json: Option<String>,
    pub license_code: Option<String>,
    pub active_address: Option<String>,
    pub auto_renewal: Option<String>,
    pub is_trial: Option<bool>,
    /// Epoch milliseconds.
    #[serde(deserialize_with = "lenient_int")]
    pub created_on: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub began_on: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub end_on: Option<i64>,
    pub relational_data: Option<RelationalData>,
}

/// `RelationalData` of DescribeInstanceForIsv.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RelationalData {
    pub service_status: Option<String>,
}

/// DescribeOrderForIsv's answer, with the SDK model's field names.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OrderForIsv {
    pub request_id: Option<String>,
    #[serde(deserialize_with = "lenient_int")]
    pub order_id: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub ali_uid: Option<i64>,
    pub order_status: Option<String>,
    pub order_type: Option<String>,
    pub pay_status: Option<String>,
    pub period_type: Option<String>,
    pub product_code: Option<String>,
    pub product_name: Option<String>,
    pub product_sku_code: Option<String>,
    #[serde(deserialize_with = "lenient_ids")]
    pub instance_ids: Vec<String>,
    #[serde(deserialize_with = "lenient_int")]
    pub quantity: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub account_quantity: Option<i64>,
    pub original_price: Option<f64>,
    pub total_price: Option<f64>,
    pub payment_price: Option<f64>,
    pub coupon_price: Option<f64>,
    /// Epoch milliseconds.
    #[serde(deserialize_with = "lenient_int")]
    pub created_on: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub paid_on: Option<i64>,
    /// Free-form (the SDK's `Any`).
    pub components: Option<Value>,
}

/// One usage record of PushMeteringData (contract §3.3.1): the instance, the window in epoch
/// seconds, and the metering keys (`Frequency`, `PeriodMin`, …) with their amounts. Numbers go out as
/// strings, as the reference's example sends them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeteringRecord {
    #[serde(rename = "InstanceId")]
    pub instance_id: String,
    #[serde(rename = "StartTime", serialize_with = "as_string")]
    pub start_time: i64,
    #[serde(rename = "EndTime", serialize_with = "as_string")]
    pub end_time: i64,
    #[serde(rename = "Entities")]
    pub entities: Vec<MeteringEntity>,
}

/// One metering key and its amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeteringEntity {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value", serialize_with = "as_string")]
    pub value: i64,
    /// `<productCode>-<Key>-<n>`, required for newly published products (the wire name is spelt so).
    #[serde(rename = "meteringAssit", skip_serializing_if = "Option::is_none")]
    pub metering_assit: Option<String>,
    /// Documented for large-model per-minute billing (a request or task id); any vendor may send a
    /// stable one, which a marketplace can tell a repeated record by (contract §5.3).
    #[serde(rename = "SerialNo", skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<String>,
}

fn as_string<S: serde::Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&n.to_string())
}

/// PushMeteringData's answer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PushResult {
    pub request_id: Option<String>,
    pub success: Option<bool>,
}
