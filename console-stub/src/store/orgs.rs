//! The `orgs`, `members`, `projects` and `events` tables: organisations, who belongs to which in
//! what role, their projects and their 事件 log, read back as typed rows ([`Membership`] carries
//! the member count and the instance that pays for the organisation), and the rows a new
//! organisation starts with ([`Tx::insert_new_org`]). Who may do what with an organisation is a
//! rule, above the store (module `orgs`).

use super::accounts::User;
use super::{instant, millis, money, Db, StoreError, Tx};
use crate::world::Role;
use protocol::time::Instant;
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

/// The alphabet of org ids (`org-nuyzjwllbhfrjynvhlappa`).
const ORG_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// An organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Org {
    pub id: String,
    pub name: String,
    /// 免费额度 left, in CNY.
    pub free_credit: Decimal,
}

/// One user's view of one organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub org: Org,
    pub role: Role,
    pub member_count: i64,
    /// The marketplace instance that pays for this organisation, once bound.
    pub bound_instance: Option<String>,
}

/// A project of an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: String,
}

/// A line of an organisation's 事件 log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: Instant,
    /// What happened.
    pub text: String,
    /// Why: the user who did it (their e-mail) or the marketplace action (`云市场 expiredInstance`);
    /// empty for events older than the column.
    pub why: String,
}

/// The ids of an organisation about to be created.
#[derive(Debug, Clone)]
pub struct NewOrgIds {
    org: String,
    project: String,
}

const MEMBERSHIP_SQL: &str = "
SELECT o.id, o.name, o.free_credit, m.role,
       (SELECT COUNT(*) FROM members c WHERE c.org_id = o.id),
       (SELECT i.id FROM instances i WHERE i.org_id = o.id)
FROM members m JOIN orgs o ON o.id = m.org_id
WHERE m.user_id = ?1";

fn membership_row(r: &Row<'_>) -> rusqlite::Result<Membership> {
    Ok(Membership {
        org: Org {
            id: r.get(0)?,
            name: r.get(1)?,
            free_credit: money(r, 2)?,
        },
        role: Role::parse(&r.get::<_, String>(3)?),
        member_count: r.get(4)?,
        bound_instance: r.get(5)?,
    })
}

fn insert_event(
    conn: &Connection,
    org_id: &str,
    at: Instant,
    text: &str,
    why: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO events (org_id, at, text, why) VALUES (?1, ?2, ?3, ?4)",
        params![org_id, millis(at), text, why],
    )?;
    Ok(())
}

impl Db {
    /// The 免费额度 `org_id` has left (None: no such organisation).
    pub fn free_credit(&self, org_id: &str) -> Result<Option<Decimal>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT free_credit FROM orgs WHERE id = ?1")?;
        Ok(stmt.query_row([org_id], |r| money(r, 0)).optional()?)
    }

    /// Every organisation `user_id` belongs to, oldest first.
    pub fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StoreError> {
        let sql = format!("{MEMBERSHIP_SQL} ORDER BY o.created_at, o.rowid");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![user_id], membership_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `user_id`'s membership of `org_id`, if they belong to it.
    pub fn membership(&self, user_id: &str, org_id: &str) -> Result<Option<Membership>, StoreError> {
        let sql = format!("{MEMBERSHIP_SQL} AND o.id = ?2");
        let found = self
            .conn
            .query_row(&sql, params![user_id, org_id], membership_row)
            .optional()?;
        Ok(found)
    }

    /// Fresh ids for an organisation and its first project.
    pub fn new_org_ids(&mut self) -> Result<NewOrgIds, StoreError> {
        let org = loop {
            let id = format!("org-{}", self.ids().chars(22, ORG_ALPHABET));
            let taken: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM orgs WHERE id = ?1)",
                params![id],
                |r| r.get(0),
            )?;
            if !taken {
                break id;
            }
        };
        let project = self.project_id();
        Ok(NewOrgIds { org, project })
    }

    /// A new project id.
    pub fn project_id(&mut self) -> String {
        format!("proj-{}", self.ids().chars(20, b"0123456789abcdef"))
    }

    /// The members of `org_id`, in the order they joined.
    pub fn members(&self, org_id: &str) -> Result<Vec<(User, Role)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT u.id, u.email, u.name, m.role FROM members m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = ?1 ORDER BY m.seq, u.rowid",
        )?;
        let rows = stmt.query_map(params![org_id], |r| {
            Ok((
                User {
                    id: r.get(0)?,
                    email: r.get(1)?,
                    name: r.get(2)?,
                },
                Role::parse(&r.get::<_, String>(3)?),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The projects of `org_id`.
    pub fn projects(&self, org_id: &str) -> Result<Vec<Project>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name FROM projects WHERE org_id = ?1 ORDER BY seq, rowid")?;
        let rows = stmt.query_map(params![org_id], |r| {
            Ok(Project {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Appends a line to `org_id`'s 事件 log: what happened, and why (who, or which action).
    pub fn add_event(&self, org_id: &str, at: Instant, text: &str, why: &str) -> Result<(), StoreError> {
        insert_event(&self.conn, org_id, at, text, why)
    }

    /// `org_id`'s 事件 log, newest first.
    pub fn events(&self, org_id: &str) -> Result<Vec<Event>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, text, why FROM events WHERE org_id = ?1 ORDER BY seq DESC")?;
        let rows = stmt.query_map(params![org_id], |r| {
            Ok(Event {
                at: instant(r.get(0)?),
                text: r.get(1)?,
                why: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx<'_> {
    /// Sets the 免费额度 `org_id` has left.
    pub fn set_free_credit(&self, org_id: &str, left: Decimal) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("UPDATE orgs SET free_credit = ?2 WHERE id = ?1")?;
        stmt.execute(params![org_id, left.to_string()])?;
        Ok(())
    }

    /// Appends a line to `org_id`'s 事件 log, in this transaction.
    pub fn add_event(&self, org_id: &str, at: Instant, text: &str, why: &str) -> Result<(), StoreError> {
        insert_event(self.conn, org_id, at, text, why)
    }

    /// Adds an organisation row.
    pub fn insert_org(&self, org: &Org, created_at: Instant) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO orgs (id, name, free_credit, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![org.id, org.name, org.free_credit.to_string(), millis(created_at)],
        )?;
        Ok(())
    }

    /// Adds `user_id` to `org_id` in `role`; `seq` orders the members as they joined.
    pub fn insert_member(&self, org_id: &str, user_id: &str, role: Role, seq: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO members (org_id, user_id, role, seq) VALUES (?1, ?2, ?3, ?4)",
            params![org_id, user_id, role.as_str(), seq],
        )?;
        Ok(())
    }

    /// Adds a project to `org_id`; `seq` orders the organisation's projects.
    pub fn insert_project(&self, org_id: &str, project: &Project, seq: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO projects (id, org_id, name, seq) VALUES (?1, ?2, ?3, ?4)",
            params![project.id, org_id, project.name, seq],
        )?;
        Ok(())
    }

    /// Adds a new organisation administered by `admin` as the console creates one: its row, its
    /// admin, its first project (Default Project) and its first event.
    pub fn insert_new_org(
        &self,
        ids: &NewOrgIds,
        name: &str,
        admin: &User,
        now: Instant,
    ) -> Result<Org, StoreError> {
        let org = Org {
            id: ids.org.clone(),
            name: name.to_string(),
            free_credit: Decimal::ZERO,
        };
        self.insert_org(&org, now)?;
        self.insert_member(&org.id, &admin.id, Role::Admin, 0)?;
        let project = Project {
            id: ids.project.clone(),
            name: "Default Project".to_string(),
        };
        self.insert_project(&org.id, &project, 0)?;
        insert_event(
            self.conn,
            &org.id,
            now,
            &format!("创建了组织 {name}"),
            &admin.email,
        )?;
        Ok(org)
    }
}
