//! The two worlds price usage alike: every SKU the console stub sells metered lists, for each of
//! its metering items, the unit price the marketplace's plan of that SKU charges. The console
//! spends 免费额度 and shows what a month costs by its own prices, so a price that differed would
//! make the console and the marketplace's bill disagree.

use console_stub::ConsoleWorld;
use simulator::World;

#[test]
fn every_metered_sku_of_the_console_is_priced_as_the_marketplaces_plan() {
    let console = ConsoleWorld::default_world();
    let marketplace = World::default_world();
    let product = marketplace
        .product(&console.product_code)
        .expect("the marketplace sells the console's product");
    let metering = console.metering.as_ref().expect("the console pushes usage");
    let metered: Vec<_> = console.skus.iter().filter(|s| s.metered).collect();
    assert!(!metered.is_empty(), "the console sells something metered");
    for sku in metered {
        let plan = product
            .sku(&sku.id)
            .unwrap_or_else(|| panic!("the marketplace sells {}", sku.id));
        let prices = sku
            .prices
            .unwrap_or_else(|| panic!("{} is metered, so the console prices it", sku.id));
        for (item, price) in [
            (&metering.compute, prices.compute),
            (&metering.storage, prices.storage),
        ] {
            assert_eq!(
                plan.unit_price(&item.assit),
                Some(price),
                "{} {}: the console's price against the marketplace's plan",
                sku.id,
                item.assit
            );
        }
    }
}
