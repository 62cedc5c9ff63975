//! An hour's usage as PushMeteringData requests. Each cluster's hour is one record — its
//! instance's marketplace id, the hour as the window (Unix seconds), both metering items with
//! their `meteringAssit` and the cluster's SerialNo. Records are grouped by instance, and whole
//! instances packed into requests of at most [`MAX_RECORDS`]: every request is of the console's
//! one product, and an instance is named in one request an hour, since the marketplace takes one
//! request per instance a minute. An instance with more records than a request holds (clusters
//! deleted and others created within the hour) has requests of its own, the later ones waiting
//! out the minute. A record carries the values left to push after 免费额度 (module `credit`): an
//! item the credit covered is left out of it, and an hour it covered whole makes no record.

use crate::store::usage::UsageHour;
use crate::usage::accrual::{serial_no, HOUR};
use crate::world::{Metering, MeteringItem};
use protocol::openapi::client::{metering_text, MeteringEntity, MeteringRecord};

/// Records one request may carry (contract §3.3.1, hourly and daily metering).
pub const MAX_RECORDS: usize = 100;

/// A request to make: its records and the rows of usage they report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlannedRequest {
    /// The marketplace instances it names, in the order of its records.
    pub instances: Vec<String>,
    pub records: Vec<MeteringRecord>,
    /// Which of the usage rows given it carries (their indexes), in the order of its records.
    pub usage: Vec<usize>,
    /// The compute and storage values of those rows, summed.
    pub compute: i64,
    pub storage: i64,
}

impl PlannedRequest {
    /// The `Metering` text every attempt at it sends.
    pub fn metering(&self) -> serde_json::Result<String> {
        metering_text(&self.records)
    }
}

/// The record reporting `usage` in the items `metering` names: what is left of it to push.
pub fn record(usage: &UsageHour, metering: &Metering) -> MeteringRecord {
    let start = usage.hour.timestamp();
    let serial_no = serial_no(&usage.cluster_id, usage.hour);
    let entity = |item: &MeteringItem, value: i64| MeteringEntity {
        key: item.key.clone(),
        value,
        metering_assit: Some(item.assit.clone()),
        serial_no: Some(serial_no.clone()),
    };
    MeteringRecord {
        instance_id: usage.marketplace_instance.clone(),
        start_time: start,
        end_time: start + HOUR.num_seconds(),
        entities: [
            (&metering.compute, usage.compute, usage.pushed_compute),
            (&metering.storage, usage.storage, usage.pushed_storage),
        ]
        .into_iter()
        // An item the credit covered is left out; one that accrued nothing is reported as 0.
        .filter(|&(_, accrued, pushed)| pushed > 0 || accrued == 0)
        .map(|(item, _, pushed)| entity(item, pushed))
        .collect(),
    }
}

/// The requests reporting `usage` (one hour's), by instance and, within one, by cluster; rows with
/// nothing left to push are in none.
pub fn plan_requests(usage: &[UsageHour], metering: &Metering) -> Vec<PlannedRequest> {
    let mut order: Vec<usize> = (0..usage.len()).filter(|&i| usage[i].to_push()).collect();
    order.sort_by(|&a, &b| {
        (&usage[a].marketplace_instance, &usage[a].cluster_id)
            .cmp(&(&usage[b].marketplace_instance, &usage[b].cluster_id))
    });
    let carry = |request: &mut PlannedRequest, rows: &[usize]| {
        request
            .instances
            .push(usage[rows[0]].marketplace_instance.clone());
        for &i in rows {
            request.records.push(record(&usage[i], metering));
            request.usage.push(i);
            request.compute += usage[i].pushed_compute;
            request.storage += usage[i].pushed_storage;
        }
    };
    let mut requests: Vec<PlannedRequest> = Vec::new();
    let mut open: Option<PlannedRequest> = None;
    for group in order.chunk_by(|&a, &b| usage[a].marketplace_instance == usage[b].marketplace_instance) {
        let fits = open
            .as_ref()
            .is_some_and(|r| r.records.len() + group.len() <= MAX_RECORDS);
        if !fits {
            requests.extend(open.take());
        }
        if group.len() > MAX_RECORDS {
            for chunk in group.chunks(MAX_RECORDS) {
                let mut request = PlannedRequest::default();
                carry(&mut request, chunk);
                requests.push(request);
            }
            continue;
        }
        carry(open.get_or_insert_with(PlannedRequest::default), group);
    }
    requests.extend(open);
    requests
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::ConsoleWorld;
    use protocol::time::parse_instant;

    fn usage(instance: &str, cluster: &str) -> UsageHour {
        let hour = parse_instant("2023-08-15T10:00:00+08:00").unwrap();
        UsageHour {
            hour,
            cluster_id: cluster.into(),
            org_id: "org-a".into(),
            marketplace_instance: instance.into(),
            seconds: 3600,
            compute: 3600,
            storage: 5,
            pushed_compute: 3600,
            pushed_storage: 5,
            ..UsageHour::default()
        }
    }

    fn metering() -> Metering {
        ConsoleWorld::default_world().metering.unwrap()
    }

    #[test]
    fn a_record_names_the_instance_the_hour_and_both_items_with_the_clusters_serial_no() {
        let text = plan_requests(&[usage("8000001", "in01-a")], &metering())[0]
            .metering()
            .unwrap();
        assert_eq!(
            text,
            r#"[{"InstanceId":"8000001","StartTime":"1692064800","EndTime":"1692068400","Entities":[{"Key":"Period","Value":"3600","meteringAssit":"cmgj00061912-Period-1","SerialNo":"in01-a-1692064800"},{"Key":"StorageGigaByte","Value":"5","meteringAssit":"cmgj00061912-StorageGigaByte-1","SerialNo":"in01-a-1692064800"}]}]"#
        );
    }

    #[test]
    fn whole_instances_are_packed_into_requests_of_at_most_100_records() {
        // 3 instances of 40 clusters: two fit one request, the third starts another.
        let rows: Vec<UsageHour> = (0..120)
            .map(|i| usage(&format!("800000{}", i % 3), &format!("in01-{i:03}")))
            .collect();
        let requests = plan_requests(&rows, &metering());
        let shape: Vec<(Vec<String>, usize)> = requests
            .iter()
            .map(|r| (r.instances.clone(), r.records.len()))
            .collect();
        assert_eq!(
            shape,
            [
                (vec!["8000000".to_owned(), "8000001".to_owned()], 80),
                (vec!["8000002".to_owned()], 40)
            ]
        );
        assert!(requests[0].records[..40]
            .iter()
            .all(|r| r.instance_id == "8000000"));
        let carried: usize = requests.iter().map(|r| r.usage.len()).sum();
        assert_eq!(carried, 120);
        assert_eq!((requests[0].compute, requests[0].storage), (80 * 3600, 80 * 5));
    }

    #[test]
    fn an_instance_with_more_records_than_a_request_holds_has_requests_of_its_own() {
        let mut rows: Vec<UsageHour> = (0..150)
            .map(|i| usage("8000002", &format!("in01-{i:03}")))
            .collect();
        rows.push(usage("8000001", "in01-x"));
        let requests = plan_requests(&rows, &metering());
        let shape: Vec<(Vec<&str>, usize)> = requests
            .iter()
            .map(|r| (r.instances.iter().map(String::as_str).collect(), r.records.len()))
            .collect();
        assert_eq!(
            shape,
            [
                (vec!["8000001"], 1),
                (vec!["8000002"], 100),
                (vec!["8000002"], 50),
            ]
        );
    }

    #[test]
    fn what_the_credit_covered_is_left_out_of_the_record_and_a_covered_hour_makes_none() {
        let partly = UsageHour {
            pushed_compute: 2100,
            pushed_storage: 0,
            ..usage("8000001", "in01-a")
        };
        let covered = UsageHour {
            pushed_compute: 0,
            pushed_storage: 0,
            ..usage("8000002", "in01-b")
        };
        let requests = plan_requests(&[partly, covered], &metering());
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].instances, ["8000001"]);
        assert_eq!((requests[0].compute, requests[0].storage), (2100, 0));
        let entities = &requests[0].records[0].entities;
        assert_eq!(entities.len(), 1);
        assert_eq!((entities[0].key.as_str(), entities[0].value), ("Period", 2100));
    }

    #[test]
    fn no_usage_makes_no_request() {
        assert!(plan_requests(&[], &metering()).is_empty());
    }
}
