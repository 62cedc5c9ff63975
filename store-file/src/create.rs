//! A new store, made whole before it takes its name: every migration runs, in one transaction, on a
//! temporary file beside it, which is synced and renamed into place, so a store file that exists was
//! finished — an empty or half-made one is never a store that was interrupted, only one that was
//! damaged.

use crate::layout::Layout;
use rusqlite::Connection;
use std::path::Path;

/// Creates the store `file` with `layout`'s schema; `file` does not exist.
pub(crate) fn create(file: &Path, layout: &Layout) -> Result<(), String> {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".creating");
    let draft = file.with_file_name(name);
    let mut journal = draft.clone().into_os_string();
    journal.push("-journal");
    // What an interrupted creation left is ours, and unfinished.
    for leftover in [draft.as_path(), Path::new(&journal)] {
        match std::fs::remove_file(leftover) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot remove {}: {e}", leftover.display()))
            }
            _ => {}
        }
    }
    write_schema(&draft, layout)?;
    std::fs::File::open(&draft)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&draft, file))
        .map_err(|e| e.to_string())?;
    if let Some(dir) = file.parent() {
        // The rename lasts once the directory is synced; a platform that cannot open a directory
        // for this has no other way to ask, and the rename still happened.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

fn write_schema(draft: &Path, layout: &Layout) -> Result<(), String> {
    let mut conn = Connection::open(draft).map_err(|e| e.to_string())?;
    layout
        .migrations()
        .to_latest(&mut conn)
        .map_err(|e| e.to_string())?;
    conn.close().map_err(|(_, e)| e.to_string())
}
