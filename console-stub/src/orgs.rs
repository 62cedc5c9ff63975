//! Organisations: who belongs to which, in what role, their projects, their 事件 log, and whether
//! a marketplace instance pays for them. Every page about an organisation goes through
//! [`Db::membership`], so a visitor never sees an organisation they do not belong to.

use crate::accounts::User;
use crate::store::{instant, millis, Db};
use crate::world::Role;
use protocol::time::Instant;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The alphabet of org ids (`org-nuyzjwllbhfrjynvhlappa`).
const ORG_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// An organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Org {
    pub id: String,
    pub name: String,
    /// 免费额度 in yuan.
    pub free_credit: f64,
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

impl Membership {
    /// Whether the user may bind this organisation to a marketplace instance: an admin, and the
    /// organisation not bound yet (one instance per organisation).
    pub fn choosable(&self) -> bool {
        self.role == Role::Admin && self.bound_instance.is_none()
    }
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
    pub text: String,
}

/// The ids of an organisation about to be created.
#[derive(Debug, Clone)]
pub(crate) struct NewOrgIds {
    org: String,
    project: String,
}

/// Inserts an organisation administered by `admin`, its first project and its first event.
pub(crate) fn insert_org(
    conn: &Connection,
    ids: &NewOrgIds,
    name: &str,
    admin: &User,
    now: Instant,
) -> rusqlite::Result<Org> {
    conn.execute(
        "INSERT INTO orgs (id, name, free_credit, created_at) VALUES (?1, ?2, 0, ?3)",
        params![ids.org, name, millis(now)],
    )?;
    conn.execute(
        "INSERT INTO members (org_id, user_id, role, seq) VALUES (?1, ?2, 'admin', 0)",
        params![ids.org, admin.id],
    )?;
    conn.execute(
        "INSERT INTO projects (id, org_id, name, seq) VALUES (?1, ?2, 'Default Project', 0)",
        params![ids.project, ids.org],
    )?;
    conn.execute(
        "INSERT INTO events (org_id, at, text) VALUES (?1, ?2, ?3)",
        params![
            ids.org,
            millis(now),
            format!("{} 创建了组织 {}", admin.email, name)
        ],
    )?;
    Ok(Org {
        id: ids.org.clone(),
        name: name.to_string(),
        free_credit: 0.0,
    })
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
            free_credit: r.get(2)?,
        },
        role: Role::parse(&r.get::<_, String>(3)?),
        member_count: r.get(4)?,
        bound_instance: r.get(5)?,
    })
}

impl Db {
    /// Every organisation `user_id` belongs to, oldest first.
    pub fn memberships(&self, user_id: &str) -> rusqlite::Result<Vec<Membership>> {
        let sql = format!("{MEMBERSHIP_SQL} ORDER BY o.created_at, o.rowid");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![user_id], membership_row)?;
        rows.collect()
    }

    /// `user_id`'s membership of `org_id`, if they belong to it.
    pub fn membership(&self, user_id: &str, org_id: &str) -> rusqlite::Result<Option<Membership>> {
        let sql = format!("{MEMBERSHIP_SQL} AND o.id = ?2");
        self.conn
            .query_row(&sql, params![user_id, org_id], membership_row)
            .optional()
    }

    /// Creates an organisation administered by `admin`, with a first project.
    pub fn create_org(&mut self, name: &str, admin: &User, now: Instant) -> rusqlite::Result<Org> {
        let ids = self.new_org_ids()?;
        self.write(|conn| insert_org(conn, &ids, name, admin, now))
    }

    /// Fresh ids for an organisation and its first project.
    pub(crate) fn new_org_ids(&mut self) -> rusqlite::Result<NewOrgIds> {
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
        let project = format!("proj-{}", self.ids().chars(20, b"0123456789abcdef"));
        Ok(NewOrgIds { org, project })
    }

    /// The members of `org_id`, in the order they joined.
    pub fn members(&self, org_id: &str) -> rusqlite::Result<Vec<(User, Role)>> {
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
        rows.collect()
    }

    /// The projects of `org_id`.
    pub fn projects(&self, org_id: &str) -> rusqlite::Result<Vec<Project>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name FROM projects WHERE org_id = ?1 ORDER BY seq, rowid")?;
        let rows = stmt.query_map(params![org_id], |r| {
            Ok(Project {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        rows.collect()
    }

    /// Appends a line to `org_id`'s 事件 log.
    pub fn add_event(&self, org_id: &str, at: Instant, text: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO events (org_id, at, text) VALUES (?1, ?2, ?3)",
            params![org_id, millis(at), text],
        )?;
        Ok(())
    }

    /// `org_id`'s 事件 log, newest first.
    pub fn events(&self, org_id: &str) -> rusqlite::Result<Vec<Event>> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, text FROM events WHERE org_id = ?1 ORDER BY seq DESC")?;
        let rows = stmt.query_map(params![org_id], |r| {
            Ok(Event {
                at: instant(r.get(0)?),
                text: r.get(1)?,
            })
        })?;
        rows.collect()
    }
}
