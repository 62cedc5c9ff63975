//! The invoice requests (发票申请) of the world's products (`fixtures/openapi/invoices.yaml`).

use crate::state::Simulator;
use crate::store::invoices::{Address, Invoice, InvoicedOrder, Receipt};
use crate::store::StoreError;
use serde::Deserialize;
use std::sync::OnceLock;

const FIXTURE: &str = include_str!("../../../fixtures/openapi/invoices.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    invoices: Vec<FixtureInvoice>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct FixtureInvoice {
    id: i64,
    invoice_id: String,
    product: String,
    aliyun_pk: String,
    status: i64,
    #[serde(rename = "type")]
    kind: i64,
    material_type: i64,
    title: String,
    price: String,
    created: String,
    #[serde(default)]
    modified: String,
    #[serde(default)]
    user_notice: String,
    #[serde(default)]
    check_notice: String,
    receipt: FixtureReceipt,
    address: FixtureAddress,
    orders: Vec<FixtureOrder>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, default)]
struct FixtureReceipt {
    tax_number: String,
    bank_name: String,
    bank_account: String,
    reg_address: String,
    reg_phone: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, default)]
struct FixtureAddress {
    addressee: String,
    aliyun_pk: String,
    delivery_address: String,
    emails: String,
    phone: String,
    postal_code: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct FixtureOrder {
    id: String,
    out_biz_id: String,
    amount: String,
    order_type: String,
    at: String,
}

impl From<FixtureReceipt> for Receipt {
    fn from(r: FixtureReceipt) -> Receipt {
        Receipt {
            tax_number: r.tax_number,
            bank_name: r.bank_name,
            bank_account: r.bank_account,
            reg_address: r.reg_address,
            reg_phone: r.reg_phone,
        }
    }
}

impl From<FixtureAddress> for Address {
    fn from(a: FixtureAddress) -> Address {
        Address {
            addressee: a.addressee,
            aliyun_pk: a.aliyun_pk,
            delivery_address: a.delivery_address,
            emails: a.emails,
            phone: a.phone,
            postal_code: a.postal_code,
        }
    }
}

impl From<FixtureOrder> for InvoicedOrder {
    fn from(o: FixtureOrder) -> InvoicedOrder {
        InvoicedOrder {
            id: o.id,
            out_biz_id: o.out_biz_id,
            amount: o.amount,
            order_type: o.order_type,
            at: o.at,
        }
    }
}

/// A fixture date in epoch milliseconds; 0 when empty.
fn millis_or_zero(date: &str) -> i64 {
    if date.is_empty() {
        0
    } else {
        super::millis(date)
    }
}

/// Puts the fixture invoice requests of the world's products into a fresh or reset world. The
/// fixture is parsed once per process, as the catalog it was once part of is, so a run that opens
/// a world per scenario does not parse it again for each.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    static PARSED: OnceLock<Fixture> = OnceLock::new();
    let fixture = PARSED
        .get_or_init(|| serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/invoices.yaml is valid"));
    let invoices: Vec<Invoice> = fixture
        .invoices
        .iter()
        .filter(|i| sim.world().product(&i.product).is_some())
        .cloned()
        .map(|i| {
            let created = millis_or_zero(&i.created);
            let modified = if i.modified.is_empty() {
                created
            } else {
                millis_or_zero(&i.modified)
            };
            Invoice {
                id: i.id,
                invoice_id: i.invoice_id,
                product_code: i.product,
                aliyun_pk: i.aliyun_pk,
                status: i.status,
                kind: i.kind,
                material_type: i.material_type,
                title: i.title,
                price: i.price,
                created_at: created,
                modified_at: modified,
                user_notice: i.user_notice,
                check_notice: i.check_notice,
                number: None,
                electron_url: None,
                receipt: i.receipt.into(),
                address: i.address.into(),
                orders: i.orders.into_iter().map(InvoicedOrder::from).collect(),
            }
        })
        .collect();
    sim.store().put_invoices(&invoices)
}
