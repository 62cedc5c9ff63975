//! The `clusters` and `cluster_runs` tables: an organisation's clusters, each tied to the instance
//! that paid for it when it was created, and when each ran. A run starts when a cluster is created
//! or restored and ends when it is frozen or deleted, so the usage of any hour is the runs that
//! overlap it ([`Db::runs_between`]). Freezing, restoring and deleting every cluster of an
//! instance are single statements here; who may do what, and when, are rules above the store
//! (modules `clusters`, `instances`).

use super::{instant, millis, Db, StoreError, Tx};
use protocol::time::Instant;
use rusqlite::{params, OptionalExtension, Row};

/// The alphabet of cluster ids (`in01-` and 16 of these, as Zilliz Cloud writes them).
const CLUSTER_ALPHABET: &[u8] = b"0123456789abcdef";

/// Whether a cluster runs, is frozen with its data kept, or is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterStatus {
    Running,
    Frozen,
    Deleted,
}

impl ClusterStatus {
    fn as_str(self) -> &'static str {
        match self {
            ClusterStatus::Running => "running",
            ClusterStatus::Frozen => "frozen",
            ClusterStatus::Deleted => "deleted",
        }
    }

    fn parse(s: &str) -> ClusterStatus {
        match s {
            "running" => ClusterStatus::Running,
            "frozen" => ClusterStatus::Frozen,
            _ => ClusterStatus::Deleted,
        }
    }

    /// The label the 项目 page shows.
    pub fn label(self) -> &'static str {
        match self {
            ClusterStatus::Running => "运行中",
            ClusterStatus::Frozen => "已冻结",
            ClusterStatus::Deleted => "已删除",
        }
    }
}

/// A cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// `in01-…`.
    pub id: String,
    pub org_id: String,
    /// The console's id of the instance that pays for it.
    pub instance_id: String,
    pub name: String,
    /// A plan id of the console's catalog.
    pub plan: String,
    pub status: ClusterStatus,
    pub created_at: Instant,
    pub created_by: Option<String>,
    pub deleted_at: Option<Instant>,
}

/// A stretch of time a cluster ran: `ended` is None while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub cluster_id: String,
    pub started: Instant,
    pub ended: Option<Instant>,
}

const CLUSTER_COLUMNS: &str =
    "id, org_id, instance_id, name, plan, status, created_at, created_by, deleted_at";

fn cluster_row(r: &Row<'_>) -> rusqlite::Result<Cluster> {
    Ok(Cluster {
        id: r.get(0)?,
        org_id: r.get(1)?,
        instance_id: r.get(2)?,
        name: r.get(3)?,
        plan: r.get(4)?,
        status: ClusterStatus::parse(&r.get::<_, String>(5)?),
        created_at: instant(r.get(6)?),
        created_by: r.get(7)?,
        deleted_at: r.get::<_, Option<i64>>(8)?.map(instant),
    })
}

impl Db {
    /// A new cluster id (`in01-…`), not yet checked against the clusters there are.
    pub fn cluster_id(&mut self) -> String {
        format!("in01-{}", self.ids().chars(16, CLUSTER_ALPHABET))
    }

    /// `org_id`'s clusters that are not deleted, oldest first.
    pub fn clusters(&self, org_id: &str) -> Result<Vec<Cluster>, StoreError> {
        let sql = format!(
            "SELECT {CLUSTER_COLUMNS} FROM clusters WHERE org_id = ?1 AND status != 'deleted'
             ORDER BY created_at, rowid"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![org_id], cluster_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `org_id`'s deleted clusters, most recently deleted first (回收站).
    pub fn deleted_clusters(&self, org_id: &str) -> Result<Vec<Cluster>, StoreError> {
        let sql = format!(
            "SELECT {CLUSTER_COLUMNS} FROM clusters WHERE org_id = ?1 AND status = 'deleted'
             ORDER BY deleted_at DESC, rowid DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![org_id], cluster_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The cluster `id`, whatever its status.
    pub fn cluster(&self, id: &str) -> Result<Option<Cluster>, StoreError> {
        let sql = format!("SELECT {CLUSTER_COLUMNS} FROM clusters WHERE id = ?1");
        let found = self.conn.query_row(&sql, params![id], cluster_row).optional()?;
        Ok(found)
    }

    /// Every run that overlaps `[from, to)`, by cluster then start.
    pub fn runs_between(&self, from: Instant, to: Instant) -> Result<Vec<Run>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT cluster_id, started_at, ended_at FROM cluster_runs
             WHERE started_at < ?2 AND (ended_at IS NULL OR ended_at > ?1)
             ORDER BY cluster_id, started_at",
        )?;
        let rows = stmt.query_map(params![millis(from), millis(to)], |r| {
            Ok(Run {
                cluster_id: r.get(0)?,
                started: instant(r.get(1)?),
                ended: r.get::<_, Option<i64>>(2)?.map(instant),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether any cluster runs now or ran after `since`: whether an hour after `since` can
    /// have usage.
    pub fn ran_since(&self, since: Instant) -> Result<bool, StoreError> {
        let found: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM cluster_runs WHERE ended_at IS NULL OR ended_at > ?1)",
            params![millis(since)],
            |r| r.get(0),
        )?;
        Ok(found)
    }
}

impl Tx<'_> {
    /// Records a new running cluster and starts its first run.
    pub fn insert_cluster(&self, cluster: &Cluster) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO clusters (id, org_id, instance_id, name, plan, status, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                cluster.id,
                cluster.org_id,
                cluster.instance_id,
                cluster.name,
                cluster.plan,
                cluster.status.as_str(),
                millis(cluster.created_at),
                cluster.created_by
            ],
        )?;
        if cluster.status == ClusterStatus::Running {
            self.start_runs("id = ?1", &cluster.id, cluster.created_at)?;
        }
        Ok(())
    }

    /// Deletes the cluster `id` (kept as deleted) and ends its run. False when it was deleted
    /// already.
    pub fn delete_cluster(&self, id: &str, at: Instant) -> Result<bool, StoreError> {
        self.end_runs("id = ?1", id, at)?;
        let changed = self.conn.execute(
            "UPDATE clusters SET status = 'deleted', deleted_at = ?2 WHERE id = ?1 AND status != 'deleted'",
            params![id, millis(at)],
        )?;
        Ok(changed > 0)
    }

    /// Freezes every running cluster of `instance_id`; returns how many.
    pub fn freeze_clusters(&self, instance_id: &str, at: Instant) -> Result<usize, StoreError> {
        self.end_runs("instance_id = ?1 AND status = 'running'", instance_id, at)?;
        let changed = self.conn.execute(
            "UPDATE clusters SET status = 'frozen' WHERE instance_id = ?1 AND status = 'running'",
            params![instance_id],
        )?;
        Ok(changed)
    }

    /// Restores every frozen cluster of `instance_id` to running; returns how many.
    pub fn restore_clusters(&self, instance_id: &str, at: Instant) -> Result<usize, StoreError> {
        self.start_runs("instance_id = ?1 AND status = 'frozen'", instance_id, at)?;
        let changed = self.conn.execute(
            "UPDATE clusters SET status = 'running' WHERE instance_id = ?1 AND status = 'frozen'",
            params![instance_id],
        )?;
        Ok(changed)
    }

    /// Deletes every cluster of `instance_id` that is not deleted yet; returns how many.
    pub fn delete_clusters(&self, instance_id: &str, at: Instant) -> Result<usize, StoreError> {
        self.end_runs("instance_id = ?1 AND status = 'running'", instance_id, at)?;
        let changed = self.conn.execute(
            "UPDATE clusters SET status = 'deleted', deleted_at = ?2
             WHERE instance_id = ?1 AND status != 'deleted'",
            params![instance_id, millis(at)],
        )?;
        Ok(changed)
    }

    /// Starts a run at `at` for every cluster matching `filter` (over `clusters`, with `?1`).
    fn start_runs(&self, filter: &str, arg: &str, at: Instant) -> Result<(), StoreError> {
        self.conn.execute(
            &format!(
                "INSERT INTO cluster_runs (cluster_id, started_at)
                 SELECT id, ?2 FROM clusters WHERE {filter}"
            ),
            params![arg, millis(at)],
        )?;
        Ok(())
    }

    /// Ends at `at` the open run of every cluster matching `filter` (over `clusters`, with `?1`).
    fn end_runs(&self, filter: &str, arg: &str, at: Instant) -> Result<(), StoreError> {
        self.conn.execute(
            &format!(
                "UPDATE cluster_runs SET ended_at = ?2
                 WHERE ended_at IS NULL AND cluster_id IN (SELECT id FROM clusters WHERE {filter})"
            ),
            params![arg, millis(at)],
        )?;
        Ok(())
    }
}
