//! Where `run` and `verify` put the reports a CI reads: the file written whole, its folder made
//! first (`--junit reports/verify.xml` on a fresh checkout), an error naming the path.

use std::path::Path;

/// Writes `text` to `path`, making its folder first.
pub fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| format!("cannot make {}: {e}", folder.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
