//! The 60-second rule on the world's clock: throttled until the clock moves, kept across a restart of
//! the data directory, forgotten by a reset; concurrent pushes each stored once, or throttled.

use super::*;

#[tokio::test]
async fn a_second_push_within_sixty_virtual_seconds_is_throttled_until_the_clock_moves() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    let e = push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!(e.code(), "Service.Flow.Control");
    assert_eq!(e.message(), "The rate throttling threshold has been exceeded.");
    assert_eq!(e.status(), 400);
    assert_eq!(e.retry_after(), Some(60));
    // Another instance of the same product is not held back.
    push(&o.sim, &json!([record(o.id(SECOND_PRODUCT), SECOND_PRODUCT)])).unwrap();
    o.sim.clock().advance(Duration::from_secs(59)).await.unwrap();
    let e = push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!((e.code(), e.retry_after()), ("Service.Flow.Control", Some(1)));
    assert_eq!(
        o.sim.store().metering_of(&id).unwrap().len(),
        1,
        "throttled pushes store nothing"
    );
    o.sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    assert_eq!(o.sim.store().metering_of(&id).unwrap().len(), 2);
}

#[tokio::test]
async fn the_sixty_second_rule_holds_across_a_restart_of_the_data_directory() {
    let vendor = vendor_answering().await;
    let dir = tempfile::tempdir().unwrap();
    let options = || Options {
        data_dir: Some(dir.path().to_owned()),
        ..Options::default()
    };
    let first = Simulator::open(bigger_world(&vendor.spi_url()), options()).unwrap();
    let buyer = first.world().buyers[0].clone();
    let id = first
        .open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"), &Default::default())
        .unwrap()
        .instance_id;
    first.clock().advance(Duration::from_secs(120)).await.unwrap();
    push(&first, &json!([record(&id, PRODUCT)])).unwrap();
    drop(first);

    let again = Simulator::open(bigger_world(&vendor.spi_url()), options()).unwrap();
    let e = push(&again, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!((e.code(), e.retry_after()), ("Service.Flow.Control", Some(60)));
    again.clock().advance(Duration::from_secs(60)).await.unwrap();
    push(&again, &json!([record(&id, PRODUCT)])).unwrap();
    assert_eq!(again.store().metering_of(&id).unwrap().len(), 2);
}

#[tokio::test]
async fn a_reset_world_forgets_last_pushes_though_it_reuses_the_instance_ids() {
    let o = opened().await;
    let buyer = o.sim.world().buyers[0].clone();
    let id = o.id(PRODUCT).to_owned();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    o.sim.reset().await.unwrap();
    let reopened = o
        .sim
        .open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"), &Default::default())
        .unwrap()
        .instance_id;
    assert_eq!(reopened, id, "the id generator starts again from the seed");
    o.sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    assert_eq!(o.sim.store().metering_of(&id).unwrap().len(), 1);
}

/// `n` OPENED instances of the vendor's product; the clock is two minutes past ten.
async fn opened_many(n: usize) -> (Simulator, Vec<String>, Vendor) {
    let vendor = vendor_answering().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyers[0].clone();
    let ids = (0..n)
        .map(|_| {
            sim.open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"), &Default::default())
                .unwrap()
                .instance_id
        })
        .collect();
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    (sim, ids, vendor)
}

/// Pushes one record for each of `instances`, all at once from tasks of the runtime, through the
/// operation as the HTTP entry runs it; the answers in order.
async fn push_together(sim: &Simulator, instances: &[String]) -> Vec<Result<Value, ApiError>> {
    let runtime = std::sync::Arc::new(Runtime::default());
    let tasks: Vec<_> = instances
        .iter()
        .map(|id| {
            let sim = sim.clone();
            let runtime = runtime.clone();
            let metering = json!([record(id, PRODUCT)]).to_string();
            tokio::spawn(async move {
                let params = Params::from_pairs([("Metering".to_string(), metering)]);
                let call = Call {
                    sim: &sim,
                    caller: vendor(&sim, "zilliz"),
                    params: &params,
                    sts: false,
                };
                runtime.run(operation("PushMeteringData").unwrap(), &call).await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_pushes_are_all_stored_once() {
    let (sim, ids, _vendor) = opened_many(200).await;
    let answers = push_together(&sim, &ids).await;
    assert!(
        answers.iter().all(|a| a == &Ok(json!({"Success": true}))),
        "{answers:?}"
    );
    assert_eq!(sim.store().metering_count().unwrap(), 200);
    for id in &ids {
        assert_eq!(sim.store().metering_of(id).unwrap().len(), 1, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_pushes_of_one_instance_one_is_stored_and_the_others_are_throttled() {
    let (sim, ids, _vendor) = opened_many(1).await;
    let answers = push_together(&sim, &vec![ids[0].clone(); 8]).await;
    let stored_answers = answers.iter().filter(|a| a.is_ok()).count();
    let throttled = answers
        .iter()
        .filter(|a| a.as_ref().is_err_and(|e| e.code() == "Service.Flow.Control"))
        .count();
    assert_eq!((stored_answers, throttled), (1, 7), "{answers:?}");
    assert_eq!(sim.store().metering_of(&ids[0]).unwrap().len(), 1);
}

#[tokio::test]
async fn the_throttled_error_carries_x_acs_retry_after() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    let e = push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    let response = e.respond("REQ", false);
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()["x-acs-retry-after"], "60");
}
