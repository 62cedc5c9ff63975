//! The browser agent (being written).
