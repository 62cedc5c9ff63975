//! The catalog over the operation table: products, prices, the distribution catalogue and the
//! vendor's invoice requests, with their filters, refusals and the state ModifyInvoiceForIsv changes.
//!
//! Layout: the worlds and list readers the tests share are here; the tests are by what they own —
//! [`products`] (DescribeProduct, DescribeProducts and DescribePrice), [`distribution`] (the
//! distribution catalogue), [`invoices`] (the vendor's invoice requests and ModifyInvoiceForIsv) and
//! [`signed`] (catalog reads as signed HTTP requests).

#[path = "../common/mod.rs"]
mod common;
mod distribution;
mod invoices;
mod products;
mod signed;

use common::openapi::*;

/// The default world plus a SERVICE product of a second vendor that the catalog fixture says nothing about.
fn world_with_a_second_product() -> Simulator {
    let mut world = marketsim_simulator::World::default_world();
    let Caller::Vendor(acme) = other_vendor() else {
        unreachable!()
    };
    world.vendors.push(acme.clone());
    let mut p = world.products[0].clone();
    p.code = "cmgj00099999".into();
    p.name = "Acme Migration".into();
    p.vendor = "acme".into();
    p.product_type = "SERVICE".into();
    p.summary = "数据迁移服务".into();
    p.skus[0].id = "cmgj00099999-payg".into();
    world.products.push(p);
    Simulator::open(world, marketsim_simulator::Options::default()).unwrap()
}

fn codes(v: &Value, list: &str, item: &str) -> Vec<String> {
    let items = if item.is_empty() { &v[list] } else { &v[list][item] };
    items
        .as_array()
        .unwrap_or_else(|| panic!("{list} in {v}"))
        .iter()
        .map(|p| p["Code"].as_str().unwrap().to_owned())
        .collect()
}
