//! Usage becomes the buyer's bill (contract §5): `protocol::metering::rating` prices a bill window's
//! usage of one billing item (beneath both services, so a vendor counts its customers' money by the
//! same rules); [`windows`] says which window a pushed record falls in, by when it must be pushed
//! and when it is billed; [`run`] makes the bill runs on the world's clock — each window's lines
//! once its push deadline has passed, drawn from the buyer's balance; [`balance`] is 充值 and the
//! marketplace's own charges, and arrears: a balance below zero for the world's `arrears_grace`
//! stops the buyer's pay-as-you-go instances (through the lifecycle), and a payment that clears
//! the debt opens them again. Orders and refunds are lines too, written with the order itself
//! (`store::bills`): paid when placed, they do not draw on the balance.

pub mod balance;
mod run;
pub mod windows;

pub use balance::BalanceError;

/// A bill month as the pages and the control API take it: `yyyy-MM`, 1970 to 9999.
pub fn parse_month(text: &str) -> Option<String> {
    let (year, month) = text.split_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return None;
    }
    let (y, m): (u32, u32) = (year.parse().ok()?, month.parse().ok()?);
    ((1970..=9999).contains(&y) && (1..=12).contains(&m)).then(|| format!("{y:04}-{m:02}"))
}

/// The bill month the world's clock is in.
pub fn current_month(sim: &crate::state::Simulator) -> String {
    crate::store::bills::month_of(protocol::time::epoch_millis(sim.clock().now()))
}
