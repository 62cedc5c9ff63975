//! Ids replay in deterministic worlds and never repeat across the worlds people run.

use marketsim_simulator::{Options, Simulator, World};

fn first_order(deterministic: bool) -> (String, String) {
    let options = Options {
        deterministic,
        ..Options::default()
    };
    let sim = Simulator::open(World::default_world(), options).unwrap();
    let buyer = sim.world().buyers[0].clone();
    let order = sim
        .open_service(&buyer, "cmgj00061912", "cmgj00061912-payg", &Default::default())
        .unwrap();
    (order.order_id, order.instance_id)
}

#[test]
fn deterministic_worlds_hand_out_the_same_ids() {
    assert_eq!(first_order(true), first_order(true));
}

#[test]
fn two_sandboxes_never_hand_out_the_same_order_and_instance_ids() {
    let (a, b) = (first_order(false), first_order(false));
    assert_ne!(a.0, b.0);
    assert_ne!(a.1, b.1);
}
