//! One hour's usage from the runs that overlap it: per cluster, the seconds it ran within the hour
//! (its runs clipped to the hour and summed, to the millisecond, then floored to whole seconds),
//! and from them and its plan the two values pushed. A cluster that ran less than a second, or
//! whose plan the world no longer lists, reports nothing. Until credit is spent on it (module
//! `credit`), a row pushes all it accrued.

use crate::store::usage::{HourRun, UsageHour};
use crate::world::ConsoleWorld;
use chrono::{DurationRound, TimeDelta};
use protocol::time::Instant;

/// One hour.
pub const HOUR: TimeDelta = TimeDelta::hours(1);

/// The start of the hour containing `t` (hours begin on the same instants in UTC and in
/// Asia/Shanghai, eight whole hours apart).
pub fn hour_of(t: Instant) -> Instant {
    t.duration_trunc(HOUR).unwrap_or(t)
}

/// The SerialNo of `cluster_id`'s record of the hour starting at `hour`: the same on every
/// attempt, and never the same for two records.
pub fn serial_no(cluster_id: &str, hour: Instant) -> String {
    format!("{cluster_id}-{}", hour.timestamp())
}

/// Milliseconds of a run from `started` to `ended` (None: still running) within `[from, to)`.
fn overlap_ms(started: Instant, ended: Option<Instant>, from: Instant, to: Instant) -> i64 {
    let start = started.max(from);
    let end = ended.map_or(to, |e| e.min(to));
    (end - start).num_milliseconds().max(0)
}

/// The usage of the hour starting at `hour`, one row per cluster that ran in it, in the order of
/// `runs` (by cluster, then start).
pub fn accrue(hour: Instant, runs: &[HourRun], world: &ConsoleWorld) -> Vec<UsageHour> {
    let to = hour + HOUR;
    let mut usage: Vec<UsageHour> = Vec::new();
    let mut ms = 0i64;
    for (i, run) in runs.iter().enumerate() {
        ms += overlap_ms(run.started, run.ended, hour, to);
        let last_of_cluster = runs
            .get(i + 1)
            .is_none_or(|next| next.cluster_id != run.cluster_id);
        if !last_of_cluster {
            continue;
        }
        let seconds = ms / 1000;
        ms = 0;
        if seconds == 0 || world.sku(&run.sku_id).is_some_and(|s| !s.metered) {
            continue;
        }
        let Some(plan) = world.plan(&run.plan) else {
            tracing::warn!(
                "cluster {} is of plan `{}`, which the world does not list: its usage is not reported",
                run.cluster_id,
                run.plan
            );
            continue;
        };
        let compute = i64::from(plan.compute_units) * seconds;
        let storage = i64::from(plan.storage_gb) * seconds / 3600;
        usage.push(UsageHour {
            hour,
            cluster_id: run.cluster_id.clone(),
            org_id: run.org_id.clone(),
            marketplace_instance: run.marketplace_instance.clone(),
            seconds,
            compute,
            storage,
            pushed_compute: compute,
            pushed_storage: storage,
            ..UsageHour::default()
        });
    }
    usage
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::time::parse_instant;

    fn at(s: &str) -> Instant {
        parse_instant(&format!("2023-08-15T{s}+08:00")).unwrap()
    }

    fn run(cluster: &str, plan: &str, started: &str, ended: Option<&str>) -> HourRun {
        HourRun {
            sku_id: "cmgj00061912-payg".into(),
            cluster_id: cluster.into(),
            org_id: "org-a".into(),
            marketplace_instance: "8000001".into(),
            plan: plan.into(),
            started: at(started),
            ended: ended.map(at),
        }
    }

    fn seconds_of(usage: &[UsageHour]) -> Vec<(&str, i64, i64, i64)> {
        usage
            .iter()
            .map(|u| (u.cluster_id.as_str(), u.seconds, u.compute, u.storage))
            .collect()
    }

    #[test]
    fn a_whole_hour_reports_the_plans_compute_units_times_3600_and_its_storage() {
        let world = ConsoleWorld::default_world();
        let runs = [
            run("a", "standard-1cu", "09:30:00", None),
            run("b", "standard-2cu", "10:00:00", None),
            run("c", "enterprise-8cu", "08:00:00", Some("11:00:00")),
        ];
        let usage = accrue(at("10:00:00"), &runs, &world);
        assert_eq!(
            seconds_of(&usage),
            [
                ("a", 3600, 3600, 5),
                ("b", 3600, 7200, 10),
                ("c", 3600, 28800, 50)
            ]
        );
        assert_eq!(serial_no(&usage[0].cluster_id, usage[0].hour), "a-1692064800");
        assert_eq!(usage[0].hour, at("10:00:00"));
    }

    #[test]
    fn part_of_an_hour_reports_the_seconds_it_ran_and_storage_floored() {
        let world = ConsoleWorld::default_world();
        // 10:20:00.500 to the end of the hour: 2399.5 s, floored to 2399.
        let runs = [run("a", "standard-2cu", "10:20:00.500", None)];
        let usage = accrue(at("10:00:00"), &runs, &world);
        // 10 GB × 2399 s / 3600 = 6.66…, floored.
        assert_eq!(seconds_of(&usage), [("a", 2399, 4798, 6)]);
    }

    #[test]
    fn frozen_then_restored_within_the_hour_reports_only_the_running_parts() {
        let world = ConsoleWorld::default_world();
        let runs = [
            run("a", "standard-1cu", "09:00:00", Some("10:15:00")),
            run("a", "standard-1cu", "10:45:00", None),
        ];
        let usage = accrue(at("10:00:00"), &runs, &world);
        assert_eq!(seconds_of(&usage), [("a", 1800, 1800, 2)]);
        let next = accrue(at("11:00:00"), &runs[1..], &world);
        assert_eq!(seconds_of(&next), [("a", 3600, 3600, 5)]);
    }

    #[test]
    fn a_deleted_cluster_reports_up_to_its_deletion_and_then_nothing() {
        let world = ConsoleWorld::default_world();
        let runs = [run("a", "enterprise-8cu", "10:00:00", Some("10:10:00"))];
        assert_eq!(
            seconds_of(&accrue(at("10:00:00"), &runs, &world)),
            [("a", 600, 4800, 8)]
        );
        assert!(accrue(at("11:00:00"), &[], &world).is_empty());
    }

    #[test]
    fn less_than_a_second_or_an_unknown_plan_reports_nothing() {
        let world = ConsoleWorld::default_world();
        let runs = [
            run("a", "standard-1cu", "10:59:59.500", None),
            run("b", "gone-plan", "10:00:00", None),
        ];
        assert!(accrue(at("10:00:00"), &runs, &world).is_empty());
    }

    #[test]
    fn hours_start_on_the_hour() {
        assert_eq!(hour_of(at("10:59:59.999")), at("10:00:00"));
        assert_eq!(hour_of(at("11:00:00")), at("11:00:00"));
    }
}
