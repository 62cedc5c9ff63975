//! Service-delivery projects (服务交付): a project per marketplace instance, its chain of nodes, and
//! its entries — messages, operation log lines and attachments — in the order they were written.

use super::{Store, StoreError, Tx};
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub instance_id: String,
    pub order_id: i64,
    pub product_code: String,
    pub sku_id: String,
    pub sku_name: String,
    pub customer_ali_uid: String,
    pub supplier_ali_uid: String,
    pub template_id: i64,
    pub template_type: String,
    /// Starting, Pause or Finish.
    pub status: String,
    pub current_step: i64,
    pub finish_type: Option<String>,
    /// Epoch ms, as are the other times.
    pub created_at: i64,
    pub expires_at: i64,
    pub finished_at: Option<i64>,
}

/// A node of a project's chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub node_id: i64,
    /// From 1.
    pub step_no: i64,
    pub name: String,
    /// NotStart, Starting or Finish.
    pub status: String,
    /// Provider or Custom.
    pub operator_role: String,
    pub allow_rollback: bool,
    pub need_attachment: bool,
    pub template_form: String,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// What an entry of a project is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Log,
    Message,
    Attachment,
}

impl EntryKind {
    fn code(self) -> &'static str {
        match self {
            EntryKind::Log => "log",
            EntryKind::Message => "message",
            EntryKind::Attachment => "attachment",
        }
    }
}

/// An entry of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub at: i64,
    /// Who wrote it: Provider, Custom, or the system.
    pub role: String,
    pub text: String,
    /// The node it belongs to (attachments).
    pub node_id: Option<i64>,
    /// More about it, as JSON (an attachment's file).
    pub extra: Option<String>,
}

/// The project on `instance_id`, read through `conn` (the store's connection or a transaction).
fn project_in(conn: &Connection, instance_id: &str) -> Result<Option<Project>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT instance_id, order_id, product_code, sku_id, sku_name, customer_ali_uid, supplier_ali_uid,
                template_id, template_type, status, current_step, finish_type, created_at, expires_at, finished_at
             FROM market_projects WHERE instance_id = ?1",
            [instance_id],
            |r| {
                Ok(Project {
                    instance_id: r.get(0)?,
                    order_id: r.get(1)?,
                    product_code: r.get(2)?,
                    sku_id: r.get(3)?,
                    sku_name: r.get(4)?,
                    customer_ali_uid: r.get(5)?,
                    supplier_ali_uid: r.get(6)?,
                    template_id: r.get(7)?,
                    template_type: r.get(8)?,
                    status: r.get(9)?,
                    current_step: r.get(10)?,
                    finish_type: r.get(11)?,
                    created_at: r.get(12)?,
                    expires_at: r.get(13)?,
                    finished_at: r.get(14)?,
                })
            },
        )
        .optional()?)
}

/// A project's nodes, by step, read through `conn`.
fn nodes_in(conn: &Connection, instance_id: &str) -> Result<Vec<Node>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT node_id, step_no, name, status, operator_role, allow_rollback, need_attachment, template_form,
            started_at, finished_at FROM market_project_nodes WHERE instance_id = ?1 ORDER BY step_no",
    )?;
    let rows = stmt
        .query_map([instance_id], |r| {
            Ok(Node {
                node_id: r.get(0)?,
                step_no: r.get(1)?,
                name: r.get(2)?,
                status: r.get(3)?,
                operator_role: r.get(4)?,
                allow_rollback: r.get(5)?,
                need_attachment: r.get(6)?,
                template_form: r.get(7)?,
                started_at: r.get(8)?,
                finished_at: r.get(9)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

impl Store {
    pub fn project(&self, instance_id: &str) -> Result<Option<Project>, StoreError> {
        project_in(&self.conn(), instance_id)
    }

    /// A project's nodes, by step.
    pub fn project_nodes(&self, instance_id: &str) -> Result<Vec<Node>, StoreError> {
        nodes_in(&self.conn(), instance_id)
    }

    /// A project's entries of one kind, oldest first; a page of them (`(limit, offset)`) or all.
    pub fn project_entries(
        &self,
        instance_id: &str,
        kind: EntryKind,
        page: Option<(i64, i64)>,
    ) -> Result<Vec<Entry>, StoreError> {
        let (limit, offset) = page.unwrap_or((-1, 0));
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at, operator_role, text, node_id, extra FROM market_project_entries
             WHERE instance_id = ?1 AND kind = ?2 ORDER BY at, id LIMIT ?3 OFFSET ?4",
        )?;
        let rows = stmt
            .query_map(params![instance_id, kind.code(), limit, offset], |r| {
                Ok(Entry {
                    at: r.get(0)?,
                    role: r.get(1)?,
                    text: r.get(2)?,
                    node_id: r.get(3)?,
                    extra: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// How many entries of one kind a project has.
    pub fn project_entry_count(&self, instance_id: &str, kind: EntryKind) -> Result<i64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM market_project_entries WHERE instance_id = ?1 AND kind = ?2",
            params![instance_id, kind.code()],
            |r| r.get(0),
        )?)
    }
}

impl Tx<'_> {
    /// [`Store::project`], inside the transaction: what a change reads before it writes.
    pub fn project(&self, instance_id: &str) -> Result<Option<Project>, StoreError> {
        project_in(&self.tx, instance_id)
    }

    /// [`Store::project_nodes`], inside the transaction.
    pub fn project_nodes(&self, instance_id: &str) -> Result<Vec<Node>, StoreError> {
        nodes_in(&self.tx, instance_id)
    }

    /// Writes `project`, replacing one on the same instance.
    pub fn put_project(&self, p: &Project) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR REPLACE INTO market_projects (instance_id, order_id, product_code, sku_id, sku_name,
                customer_ali_uid, supplier_ali_uid, template_id, template_type, status, current_step, finish_type,
                created_at, expires_at, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                p.instance_id,
                p.order_id,
                p.product_code,
                p.sku_id,
                p.sku_name,
                p.customer_ali_uid,
                p.supplier_ali_uid,
                p.template_id,
                p.template_type,
                p.status,
                p.current_step,
                p.finish_type,
                p.created_at,
                p.expires_at,
                p.finished_at,
            ],
        )?;
        Ok(())
    }

    /// Writes a node of the project on `instance_id`, replacing one of the same id.
    pub fn put_project_node(&self, instance_id: &str, n: &Node) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR REPLACE INTO market_project_nodes (instance_id, node_id, step_no, name, status,
                operator_role, allow_rollback, need_attachment, template_form, started_at, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                instance_id,
                n.node_id,
                n.step_no,
                n.name,
                n.status,
                n.operator_role,
                n.allow_rollback,
                n.need_attachment,
                n.template_form,
                n.started_at,
                n.finished_at,
            ],
        )?;
        Ok(())
    }

    pub fn add_project_entry(&self, instance_id: &str, kind: EntryKind, e: &Entry) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO market_project_entries (instance_id, kind, at, operator_role, text, node_id, extra)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![instance_id, kind.code(), e.at, e.role, e.text, e.node_id, e.extra],
        )?;
        Ok(())
    }

    /// Makes node `node_id` the project's current one (step `step_no`), started at `at`.
    pub fn start_project_node(
        &self,
        instance_id: &str,
        node_id: i64,
        step_no: i64,
        at: i64,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE market_project_nodes SET status = 'Starting', started_at = ?3, finished_at = NULL
             WHERE instance_id = ?1 AND node_id = ?2",
            params![instance_id, node_id, at],
        )?;
        self.tx.execute(
            "UPDATE market_projects SET current_step = ?2 WHERE instance_id = ?1",
            params![instance_id, step_no],
        )?;
        Ok(())
    }

    pub fn finish_project_node(&self, instance_id: &str, node_id: i64, at: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE market_project_nodes SET status = 'Finish', finished_at = ?3 WHERE instance_id = ?1 AND node_id = ?2",
            params![instance_id, node_id, at],
        )?;
        Ok(())
    }

    /// Puts node `node_id` back to not started.
    pub fn unstart_project_node(&self, instance_id: &str, node_id: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE market_project_nodes SET status = 'NotStart', started_at = NULL, finished_at = NULL
             WHERE instance_id = ?1 AND node_id = ?2",
            params![instance_id, node_id],
        )?;
        Ok(())
    }

    pub fn finish_project(&self, instance_id: &str, finish_type: &str, at: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE market_projects SET status = 'Finish', finish_type = ?2, finished_at = ?3 WHERE instance_id = ?1",
            params![instance_id, finish_type, at],
        )?;
        Ok(())
    }

    pub fn set_project_status(&self, instance_id: &str, status: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE market_projects SET status = ?2 WHERE instance_id = ?1",
            params![instance_id, status],
        )?;
        Ok(())
    }
}
