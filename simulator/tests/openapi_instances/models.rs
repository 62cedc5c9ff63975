//! The SDK models' fields with their JSON types, and the check that an answer has exactly a model's
//! fields with the model's types.

use serde_json::Value;

/// The JSON types of the SDK models' fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum T {
    Int,
    Float,
    Str,
    Bool,
    Obj,
    List,
}

fn type_of(v: &Value) -> Option<T> {
    match v {
        Value::Number(n) if n.is_f64() => Some(T::Float),
        Value::Number(_) => Some(T::Int),
        Value::String(_) => Some(T::Str),
        Value::Bool(_) => Some(T::Bool),
        Value::Object(_) => Some(T::Obj),
        Value::Array(_) => Some(T::List),
        Value::Null => None,
    }
}

/// Every key of `answer` is a field of the model with the model's type, and every field of the
/// model is there except those in `absent` (RequestId is the dispatcher's, never the operation's).
pub fn assert_model(answer: &Value, model: &[(&str, T)], absent: &[&str]) {
    let fields = answer.as_object().expect("an object");
    for (key, value) in fields {
        let expected = model
            .iter()
            .find(|(name, _)| name == key)
            .unwrap_or_else(|| panic!("{key} is not a field of the model: {answer}"));
        assert_eq!(type_of(value), Some(expected.1), "{key} in {answer}");
    }
    for (name, _) in model {
        if *name != "RequestId" && !absent.contains(name) {
            assert!(fields.contains_key(*name), "{name} missing from {answer}");
        }
    }
    for name in absent {
        assert!(
            !fields.contains_key(*name),
            "{name} should be absent from {answer}"
        );
    }
}

pub const INSTANCE_FOR_ISV: &[(&str, T)] = &[
    ("ActiveAddress", T::Str),
    ("AppJson", T::Str),
    ("AutoRenewal", T::Str),
    ("BeganOn", T::Int),
    ("ComponentJson", T::Str),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("ImageJson", T::Str),
    ("InstanceId", T::Int),
    ("IsTrial", T::Bool),
    ("LicenseCode", T::Str),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("RelationalData", T::Obj),
    ("RequestId", T::Str),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

pub const INSTANCE_FOR_BUYER: &[(&str, T)] = &[
    ("ActiveAddress", T::Str),
    ("AppJson", T::Str),
    ("AutoRenewal", T::Str),
    ("BeganOn", T::Int),
    ("ComponentJson", T::Str),
    ("Constraints", T::Str),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("InstanceId", T::Int),
    ("IsTrial", T::Bool),
    ("LicenseCode", T::Str),
    ("Modules", T::Obj),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("RelationalData", T::Obj),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

pub const IMAGE_INSTANCE: &[(&str, T)] = &[
    ("ActiveAddress", T::Str),
    ("AppJson", T::Str),
    ("AutoRenewal", T::Str),
    ("BeganOn", T::Int),
    ("ComponentJson", T::Str),
    ("Constraints", T::Str),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("InstanceId", T::Int),
    ("IsTrial", T::Bool),
    ("LicenseCode", T::Str),
    ("Modules", T::List),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("RelationalData", T::Obj),
    ("RequestId", T::Str),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

pub const INSTANCES: &[(&str, T)] = &[
    ("InstanceItems", T::Obj),
    ("PageNumber", T::Int),
    ("PageSize", T::Int),
    ("RequestId", T::Str),
    ("TotalCount", T::Int),
];

pub const INSTANCE_ITEM: &[(&str, T)] = &[
    ("ApiJson", T::Str),
    ("AppJson", T::Str),
    ("BeganOn", T::Int),
    ("CreatedOn", T::Int),
    ("EndOn", T::Int),
    ("ExtendJson", T::Str),
    ("HostJson", T::Str),
    ("IdaasJson", T::Str),
    ("ImageJson", T::Str),
    ("InstanceId", T::Int),
    ("OrderId", T::Int),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("ProductType", T::Str),
    ("Status", T::Str),
    ("SupplierName", T::Str),
];

pub const ORDER: &[(&str, T)] = &[
    ("AccountQuantity", T::Int),
    ("AliUid", T::Int),
    ("Components", T::Obj),
    ("CouponPrice", T::Float),
    ("CreatedOn", T::Int),
    ("InstanceIds", T::Obj),
    ("OrderId", T::Int),
    ("OrderStatus", T::Str),
    ("OrderType", T::Str),
    ("OriginalPrice", T::Float),
    ("PaidOn", T::Int),
    ("PayStatus", T::Str),
    ("PaymentPrice", T::Float),
    ("PeriodType", T::Str),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("Quantity", T::Int),
    ("RequestId", T::Str),
    ("SupplierCompanyName", T::Str),
    ("SupplierTelephones", T::Obj),
    ("TotalPrice", T::Float),
];

pub const ORDER_FOR_ISV: &[(&str, T)] = &[
    ("AccountQuantity", T::Int),
    ("AliUid", T::Int),
    ("Components", T::Obj),
    ("CouponPrice", T::Float),
    ("CreatedOn", T::Int),
    ("InstanceIds", T::List),
    ("OrderId", T::Int),
    ("OrderStatus", T::Str),
    ("OrderType", T::Str),
    ("OriginalPrice", T::Float),
    ("PaidOn", T::Int),
    ("PayStatus", T::Str),
    ("PaymentPrice", T::Float),
    ("PeriodType", T::Str),
    ("ProductCode", T::Str),
    ("ProductName", T::Str),
    ("ProductSkuCode", T::Str),
    ("Quantity", T::Int),
    ("RequestId", T::Str),
    ("TotalPrice", T::Float),
];

pub const CREATE_ORDER: &[(&str, T)] = &[
    ("InstanceIds", T::Obj),
    ("OrderId", T::Str),
    ("RequestId", T::Str),
];

pub const AUTO_RENEW: &[(&str, T)] = &[("Data", T::Bool), ("RequestId", T::Str), ("Success", T::Bool)];

/// A `*Json` field, parsed.
pub fn inner(answer: &Value, field: &str) -> Value {
    serde_json::from_str(answer[field].as_str().expect("a JSON string")).expect("JSON inside")
}
