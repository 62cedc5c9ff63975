//! The usage tables as the reporter writes them and the pages read them, straight through the
//! store: an hour's rows stored with their request in one call, and read back as the request's
//! usage, as 用量明细's lines and as the month's totals.

mod common;

use common::usage::{at, cluster, instance};
use common::{console, ZILLIZ};
use marketsim_console_stub::store::usage::{
    NewRequest, Outcome, RequestStatus, UsageHour, HOURS_A_STATEMENT,
};

/// The hour of `cluster_id` starting at 10:00, `seconds` of it on 1 CU and 5 GB.
fn usage(cluster_id: &str, marketplace_instance: &str, seconds: i64) -> UsageHour {
    UsageHour {
        hour: at("10:00:00"),
        cluster_id: cluster_id.into(),
        org_id: ZILLIZ.into(),
        marketplace_instance: marketplace_instance.into(),
        seconds,
        compute: seconds,
        storage: 5 * seconds / 3600,
        pushed_compute: seconds,
        pushed_storage: 5 * seconds / 3600,
        ..UsageHour::default()
    }
}

#[test]
fn an_hours_rows_stored_in_one_call_read_back_as_the_requests_usage_and_the_orgs_lines() {
    let t = console();
    let console = &t.console;
    let a = instance(console, "8000001");
    let b = instance(console, "8000002");
    let search = cluster(console, &a, "search", "standard-1cu");
    let logs = cluster(console, &b, "logs", "standard-1cu");
    let vectors = cluster(console, &a, "vectors", "standard-1cu");
    let rows = vec![
        usage(&search, "8000001", 3600),
        usage(&logs, "8000002", 1800),
        usage(&vectors, "8000001", 600),
    ];
    let instances = ["8000001".to_owned(), "8000002".to_owned()];
    let db = console.lock();
    let id = db
        .write(|tx| {
            let id = tx.insert_usage_request(&NewRequest {
                hour: at("10:00:00"),
                metering: "[]",
                records: 3,
                instances: &instances,
                compute: 6000,
                storage: 7,
                status: RequestStatus::Pending,
                next_attempt: Some(at("11:00:00")),
            })?;
            tx.insert_usage_hours(&rows.iter().map(|u| (u, Some(id))).collect::<Vec<_>>())?;
            Ok(id)
        })
        .unwrap();

    let request = db.usage_request(id).unwrap().unwrap();
    let mut expected: Vec<UsageHour> = rows.clone();
    expected.sort_by(|x, y| {
        (&x.marketplace_instance, &x.cluster_id).cmp(&(&y.marketplace_instance, &y.cluster_id))
    });
    assert_eq!(db.usage_of_request(&request).unwrap(), expected);

    let (lines, total) = db.usage_lines(ZILLIZ, 0, 10).unwrap();
    assert_eq!(total, 3);
    let names: Vec<(&str, i64, Option<RequestStatus>)> = lines
        .iter()
        .map(|l| (l.cluster_name.as_str(), l.usage.compute, l.status))
        .collect();
    assert_eq!(
        names,
        [
            ("logs", 1800, Some(RequestStatus::Pending)),
            ("search", 3600, Some(RequestStatus::Pending)),
            ("vectors", 600, Some(RequestStatus::Pending))
        ]
    );
    let totals = db.usage_totals(ZILLIZ, at("00:00:00"), at("23:00:00")).unwrap();
    assert_eq!((totals.pushed_compute, totals.unpushed_hours), (0, 3));
}

#[test]
fn the_push_log_gives_each_attempt_the_totals_its_request_was_stored_with() {
    let t = console();
    let console = &t.console;
    let a = instance(console, "8000001");
    let search = cluster(console, &a, "search", "standard-1cu");
    let rows = [usage(&search, "8000001", 3600)];
    let instances = ["8000001".to_owned()];
    let db = console.lock();
    db.write(|tx| {
        let id = tx.insert_usage_request(&NewRequest {
            hour: at("10:00:00"),
            metering: "[]",
            records: 1,
            instances: &instances,
            compute: 3600,
            storage: 5,
            status: RequestStatus::Pending,
            next_attempt: Some(at("11:00:00")),
        })?;
        tx.insert_usage_hours(&rows.iter().map(|u| (u, Some(id))).collect::<Vec<_>>())?;
        tx.record_push(&Outcome {
            request_id: id,
            attempt: 1,
            at: at("11:00:00"),
            answer: "pushed",
            code: None,
            http_status: Some(200),
            error: None,
            status: RequestStatus::Pushed,
            next_attempt: None,
        })
    })
    .unwrap();
    let pushes = db.usage_pushes_after(0).unwrap();
    let got: Vec<(i64, i64, u32, RequestStatus)> = pushes
        .iter()
        .map(|p| (p.compute, p.storage, p.records, p.status))
        .collect();
    assert_eq!(got, [(3600, 5, 1, RequestStatus::Pushed)]);
    assert!(db.usage_pushes_after(pushes[0].seq).unwrap().is_empty());
}

#[test]
fn an_hour_of_more_rows_than_one_statement_stores_is_stored_whole() {
    let t = console();
    let console = &t.console;
    let a = instance(console, "8000001");
    let clusters: Vec<String> = (0..HOURS_A_STATEMENT * 2 + 50)
        .map(|n| cluster(console, &a, &format!("c{n:03}"), "standard-1cu"))
        .collect();
    let mut rows: Vec<UsageHour> = clusters.iter().map(|c| usage(c, "8000001", 3600)).collect();
    rows.sort_by(|x, y| x.cluster_id.cmp(&y.cluster_id));
    let instances = ["8000001".to_owned()];
    let db = console.lock();
    db.write(|tx| {
        let id = tx.insert_usage_request(&NewRequest {
            hour: at("10:00:00"),
            metering: "[]",
            records: rows.len() as u32,
            instances: &instances,
            compute: 3600 * rows.len() as i64,
            storage: 5 * rows.len() as i64,
            status: RequestStatus::Pending,
            next_attempt: Some(at("11:00:00")),
        })?;
        tx.insert_usage_hours(&rows.iter().map(|u| (u, Some(id))).collect::<Vec<_>>())
    })
    .unwrap();
    let request = db.usage_request(1).unwrap().unwrap();
    assert_eq!(db.usage_of_request(&request).unwrap(), rows);
    assert_eq!(db.usage_lines(ZILLIZ, 0, 0).unwrap().1, 250);
}
