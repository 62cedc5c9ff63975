//! The tables: one per crate, module path prefixes with their floor and room, and the paths
//! known to run the wrong way. Read by `main.rs`, whose `//!` paragraph explains the rule.

/// One crate's floors: (module path prefix, floor, room). Higher floors may use lower ones.
pub type Floors = &'static [(&'static str, u32, &'static str)];

/// The root package `marketsim`: CLI commands → scenario library → world wiring.
pub const MARKETSIM: Floors = &[
    ("", 6, "binary and library roots"),
    ("cli", 5, "command line"),
    ("serve", 4, "serve command"),
    ("console_cmd", 4, "console command"),
    ("sandbox", 4, "sandbox command"),
    ("bench", 4, "bench command"),
    ("verify_cmd", 4, "verify command"),
    ("run_cmd", 4, "run command"),
    // What every command shares, beneath them all.
    ("allow_host", 3, "allow-host flag"),
    ("terminal", 3, "terminal"),
    // Load, run, judge, report through a callback: never a command's room or the terminal.
    ("scenario", 2, "scenario library"),
    ("verify", 2, "verify library"),
    ("world", 1, "world wiring"),
    ("xml", 1, "XML text"),
    ("report_file", 1, "report files"),
];

/// `protocol`: the client over the signers over what both signatures share; the clock over time.
pub const PROTOCOL: Floors = &[
    ("", 4, "crate root"),
    ("openapi::client", 3, "OpenAPI client"),
    ("openapi::v3", 2, "V3 signature"),
    ("openapi::v1", 2, "V1 signature"),
    ("openapi", 1, "OpenAPI encoding, timestamps, credentials, nonces"),
    ("spi", 2, "SPI token"),
    ("clock", 1, "clock"),
    ("ids", 1, "ids"),
    ("metering", 0, "metering vocabulary"),
    ("time", 0, "marketplace time"),
];

/// `serving`: the server over the pieces it puts together.
pub const SERVING: Floors = &[
    ("", 2, "crate root"),
    ("server", 1, "server"),
    ("body", 0, "body limits"),
    ("hosts", 0, "allowed hosts"),
    ("limits", 0, "limits"),
    ("page", 0, "plain pages"),
];

/// `store-file`: the checks in the order they run (log over the files it reads), over checksums
/// and the refusals they all return.
pub const STORE_FILE: Floors = &[
    ("", 3, "crate root"),
    ("log", 2, "log"),
    ("header", 1, "header"),
    ("wal", 1, "WAL"),
    ("shm", 1, "shared memory index"),
    ("content", 1, "content"),
    ("create", 1, "create"),
    ("testing", 1, "testing"),
    ("checksum", 0, "checksums"),
    ("layout", 0, "layout"),
    ("refusal", 0, "refusals"),
];

/// `simulator`: router → pages, the OpenAPI's dispatch, control API side by side → the OpenAPI's
/// families → what the families are built from, opening a world and 开通 → the lifecycle → the
/// marketplace's other rules → the state handle → the store, the world and the SPI transport at
/// the ground.
pub const SIMULATOR: Floors = &[
    ("", 8, "router"),
    ("pages", 7, "pages"),
    ("openapi", 7, "OpenAPI dispatch"),
    ("control", 7, "control API"),
    ("openapi::ops", 6, "OpenAPI families"),
    // What an operation is given and answers with: one room, as its parts use each other.
    ("openapi::call", 5, "OpenAPI calls and answers"),
    ("openapi::params", 5, "OpenAPI calls and answers"),
    ("openapi::answer", 5, "OpenAPI calls and answers"),
    ("openapi::error", 5, "OpenAPI calls and answers"),
    // Opening or resetting a world: builds the state, the job runner, and seeds it.
    ("opening", 5, "opening"),
    // 开通 makes an order with its term and schedules the term's end.
    ("purchase", 5, "purchase"),
    // Life after 开通, and the schedule that runs its transitions and the deliveries.
    ("lifecycle", 4, "lifecycle"),
    // Bill runs and balances share the lifecycle's room: the schedule runs the bill runs, and
    // arrears stop and resume instances through the lifecycle.
    ("billing", 4, "lifecycle"),
    // What a window of usage costs, and which window it is: arithmetic on the world's terms.
    ("billing::windows", 1, "rating"),
    // Arming a fault checks it against the rules (the actions there are) and the store.
    ("faults", 4, "faults"),
    ("delivery", 3, "SPI delivery"),
    // The billing feed's rules, beneath the OpenAPI and the control API that serve it.
    ("feed", 3, "billing feed"),
    ("cross_account", 3, "cross-account"),
    ("seed", 3, "seeding"),
    ("state", 2, "state handle"),
    // An SPI call with a fault acting in its transport.
    ("faults::spi", 2, "fault transport"),
    ("spi_client", 1, "SPI transport"),
    // The faults armed, held by the state handle.
    ("faults::book", 1, "fault book"),
    ("store", 0, "store"),
    ("world", 0, "world"),
];

/// `console-stub`: router → pages (the browser's whole interface, their errors included) and the
/// SPI endpoint side by side → opening a console → the usage reporter → the state handle, and the
/// seeding beside it → users, orgs, instances, clusters, usage → configuration and the store → the
/// world.
pub const CONSOLE_STUB: Floors = &[
    ("", 7, "router"),
    ("pages", 6, "pages"),
    ("spi", 6, "SPI endpoint"),
    // Opening a console: the store opened and seeded, the handle put together with its work.
    ("opening", 5, "opening"),
    // The usage reporter: the console's work on the clock, holding a weak state handle.
    ("reporter", 4, "usage reporter"),
    ("state", 3, "state handle"),
    ("seed", 3, "seeding"),
    ("accounts", 2, "users"),
    ("orgs", 2, "orgs"),
    ("instances", 2, "instances"),
    ("clusters", 2, "clusters"),
    ("usage", 2, "usage"),
    ("config", 1, "configuration"),
    ("store", 1, "store"),
    ("world", 0, "world"),
];

/// `testkit`: a browser over the page reader, signed requests over sending one; each suite's
/// own knowledge stays in its `tests/common`.
pub const TESTKIT: Floors = &[
    ("", 2, "crate root"),
    ("browser", 1, "browser"),
    ("signed", 1, "signed requests"),
    ("vendor", 1, "wiremock vendor"),
    ("answer", 0, "answers"),
    ("page", 0, "page reader"),
];

/// The crates checked: (folder under the workspace root, table).
pub const CRATES: &[(&str, Floors)] = &[
    (".", MARKETSIM),
    ("protocol", PROTOCOL),
    ("serving", SERVING),
    ("store-file", STORE_FILE),
    ("simulator", SIMULATOR),
    ("console-stub", CONSOLE_STUB),
    ("testkit", TESTKIT),
];
