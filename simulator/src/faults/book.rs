//! The fault book: the faults armed in a world, each with its scope and how many times it has left
//! to fire, and a log of the times they fired. The SPI transport and the OpenAPI take from it; the
//! control API and scenarios arm faults and read it. It lives in memory with the state handle: a
//! reset empties it, and a restarted world starts without faults.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// How many fired faults the log keeps; older ones are forgotten.
const FIRED_KEPT: usize = 10_000;

/// What a fault does to one SPI call.
#[derive(Debug, Clone, PartialEq)]
pub enum SpiFault {
    /// The call reaches the vendor and its answer is thrown away: judged a timeout.
    Timeout,
    /// The call does not reach the vendor; the marketplace sees this HTTP status.
    Status(u16),
    /// The call reaches the vendor and its answer's body arrives cut short, not JSON.
    Malformed,
    /// The call does not reach the vendor: the connection is refused.
    Refused,
    /// The call reaches the vendor twice; the second answer is the one judged.
    Duplicate,
    /// The instance's next two deliveries go out in the other order.
    Swap,
}

/// What a fault does to one OpenAPI request.
#[derive(Debug, Clone, PartialEq)]
pub enum OpenApiFault {
    /// Answered `Service.Flow.Control` without running.
    Throttle,
    /// Answered with this 5xx status without running.
    ServerError(u16),
    /// Run, then answered this much later in real time.
    Slow(Duration),
    /// Run, and the connection closed without an answer.
    Drop,
}

/// A fault's effect: on SPI calls or on OpenAPI requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Spi(SpiFault),
    OpenApi(OpenApiFault),
}

/// Which calls a fault fires on; a field left empty matches any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// An SPI action.
    pub action: Option<String>,
    /// A marketplace instance id.
    pub instance: Option<String>,
    /// An OpenAPI operation.
    pub operation: Option<String>,
    /// The AccessKeyId an OpenAPI request is signed with.
    pub access_key: Option<String>,
}

/// One armed fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub id: u64,
    pub effect: Effect,
    pub scope: Scope,
    /// How many times it fires in all.
    pub count: u32,
    /// How many times it has fired.
    pub fired: u32,
}

/// One time a fault fired.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    /// Counts from 1 in the order faults fired (since the book was last cleared).
    pub number: u64,
    pub fault: u64,
    /// Virtual time, epoch milliseconds.
    pub at: i64,
    pub effect: Effect,
    /// What it fired on: `orderPay to 15511111`, `PushMeteringData by LTAI…`.
    pub on: String,
}

#[derive(Default)]
struct Book {
    faults: Vec<Fault>,
    fired: Vec<Fired>,
    next_id: u64,
    fired_count: u64,
}

/// The faults of one world.
#[derive(Default)]
pub struct FaultBook {
    book: Mutex<Book>,
    /// The OpenAPI operations a fault may name, told by whoever serves the OpenAPI.
    operations: OnceLock<Vec<&'static str>>,
}

impl SpiFault {
    /// The fault as the journal and the transcript show it.
    pub fn label(&self) -> String {
        match self {
            SpiFault::Timeout => "timeout".into(),
            SpiFault::Status(status) => format!("status {status}"),
            SpiFault::Malformed => "malformed".into(),
            SpiFault::Refused => "refused".into(),
            SpiFault::Duplicate => "duplicate".into(),
            SpiFault::Swap => "swap".into(),
        }
    }
}

impl OpenApiFault {
    /// The fault as the fired log and the transcript show it.
    pub fn label(&self) -> String {
        match self {
            OpenApiFault::Throttle => "throttle".into(),
            OpenApiFault::ServerError(status) => format!("server_error {status}"),
            OpenApiFault::Slow(delay) => format!("slow {}", protocol::time::format_duration(*delay)),
            OpenApiFault::Drop => "drop".into(),
        }
    }
}

impl Effect {
    pub fn label(&self) -> String {
        match self {
            Effect::Spi(f) => f.label(),
            Effect::OpenApi(f) => f.label(),
        }
    }
}

fn matches(wanted: &Option<String>, actual: &str) -> bool {
    wanted.as_deref().is_none_or(|w| w == actual)
}

impl FaultBook {
    fn book(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Arms a fault; it fires on the next `count` calls in its scope, after faults armed before it.
    pub fn arm(&self, effect: Effect, scope: Scope, count: u32) -> Fault {
        let mut book = self.book();
        book.next_id += 1;
        let fault = Fault {
            id: book.next_id,
            effect,
            scope,
            count,
            fired: 0,
        };
        book.faults.push(fault.clone());
        fault
    }

    /// Every fault armed, used up or not, in the order they were armed.
    pub fn faults(&self) -> Vec<Fault> {
        self.book().faults.clone()
    }

    /// The times faults fired, oldest first.
    pub fn fired(&self) -> Vec<Fired> {
        self.book().fired.clone()
    }

    /// The times faults fired after the one numbered `number`.
    pub fn fired_after(&self, number: u64) -> Vec<Fired> {
        let book = self.book();
        book.fired.iter().filter(|f| f.number > number).cloned().collect()
    }

    /// Disarms every fault and forgets the log.
    pub fn clear(&self) {
        *self.book() = Book::default();
    }

    /// Tells the book which OpenAPI operations exist (once; later calls are ignored).
    pub fn know_operations(&self, names: Vec<&'static str>) {
        let _ = self.operations.set(names);
    }

    /// Whether `name` is an OpenAPI operation; None until the book has been told.
    pub fn is_operation(&self, name: &str) -> Option<bool> {
        self.operations.get().map(|names| names.contains(&name))
    }

    /// Fires the first armed fault with calls left that `pick` accepts, logging it as fired on
    /// what `on` names.
    fn fire<T>(
        &self,
        at: i64,
        on: impl FnOnce() -> String,
        mut pick: impl FnMut(&Fault) -> Option<T>,
    ) -> Option<T> {
        let mut book = self.book();
        let (id, effect, taken) = book
            .faults
            .iter_mut()
            .filter(|f| f.fired < f.count)
            .find_map(|f| {
                let taken = pick(f)?;
                f.fired += 1;
                Some((f.id, f.effect.clone(), taken))
            })?;
        if book.fired.len() >= FIRED_KEPT {
            book.fired.remove(0);
        }
        book.fired_count += 1;
        let number = book.fired_count;
        book.fired.push(Fired {
            number,
            fault: id,
            at,
            effect,
            on: on(),
        });
        Some(taken)
    }

    /// The fault, other than a swap, for one SPI call of `action` to `instance` at `at`.
    pub fn take_spi(&self, action: &str, instance: &str, at: i64) -> Option<SpiFault> {
        self.fire(
            at,
            || format!("{action} to {instance}"),
            |f| match &f.effect {
                Effect::Spi(SpiFault::Swap) | Effect::OpenApi(_) => None,
                Effect::Spi(fault) => (matches(&f.scope.action, action)
                    && matches(&f.scope.instance, instance))
                .then(|| fault.clone()),
            },
        )
    }

    /// Fires a swap fault in scope of the delivery of `action` to `instance` at `at` if
    /// `swapped` (run while the book is held, so two deliveries cannot take one swap) reorders the
    /// instance's deliveries.
    pub fn take_swap(&self, action: &str, instance: &str, at: i64, swapped: impl FnOnce() -> bool) -> bool {
        let mut swapped = Some(swapped);
        self.fire(
            at,
            || format!("{action} to {instance}"),
            |f| {
                let in_scope = f.effect == Effect::Spi(SpiFault::Swap)
                    && matches(&f.scope.action, action)
                    && matches(&f.scope.instance, instance);
                // Only the first fault in scope gets to try; it fires only if the swap happened.
                let swap = swapped.take().filter(|_| in_scope)?;
                swap().then_some(())
            },
        )
        .is_some()
    }

    /// The fault for one OpenAPI request of `operation` signed with `access_key` at `at`.
    pub fn take_openapi(&self, operation: &str, access_key: &str, at: i64) -> Option<OpenApiFault> {
        self.fire(
            at,
            || format!("{operation} by {access_key}"),
            |f| match &f.effect {
                Effect::OpenApi(fault) => (matches(&f.scope.operation, operation)
                    && matches(&f.scope.access_key, access_key))
                .then(|| fault.clone()),
                Effect::Spi(_) => None,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(action: Option<&str>, instance: Option<&str>) -> Scope {
        Scope {
            action: action.map(Into::into),
            instance: instance.map(Into::into),
            ..Scope::default()
        }
    }

    #[test]
    fn a_fault_fires_its_count_in_its_scope_only() {
        let book = FaultBook::default();
        book.arm(
            Effect::Spi(SpiFault::Status(503)),
            scope(Some("orderPay"), Some("1")),
            2,
        );
        assert_eq!(book.take_spi("renewInstance", "1", 0), None);
        assert_eq!(book.take_spi("orderPay", "2", 0), None);
        assert_eq!(book.take_spi("orderPay", "1", 0), Some(SpiFault::Status(503)));
        assert_eq!(book.take_spi("orderPay", "1", 1), Some(SpiFault::Status(503)));
        assert_eq!(book.take_spi("orderPay", "1", 2), None);
        let fired = book.fired();
        assert_eq!(fired.len(), 2);
        assert_eq!(fired[1].on, "orderPay to 1");
        assert_eq!(fired[1].effect.label(), "status 503");
        assert_eq!(fired[1].number, 2);
        assert_eq!(book.fired_after(1), vec![fired[1].clone()]);
        assert_eq!(book.faults()[0].fired, 2);
    }

    #[test]
    fn faults_fire_in_the_order_they_were_armed() {
        let book = FaultBook::default();
        book.arm(Effect::Spi(SpiFault::Refused), Scope::default(), 1);
        book.arm(Effect::Spi(SpiFault::Timeout), Scope::default(), 1);
        assert_eq!(book.take_spi("orderPay", "1", 0), Some(SpiFault::Refused));
        assert_eq!(book.take_spi("orderPay", "1", 0), Some(SpiFault::Timeout));
        assert_eq!(book.take_spi("orderPay", "1", 0), None);
    }

    #[test]
    fn a_swap_fires_only_when_it_swapped() {
        let book = FaultBook::default();
        book.arm(Effect::Spi(SpiFault::Swap), scope(None, Some("1")), 1);
        assert_eq!(
            book.take_spi("orderPay", "1", 0),
            None,
            "a swap is not a call's fault"
        );
        assert!(!book.take_swap("orderPay", "2", 0, || true), "out of scope");
        assert!(
            !book.take_swap("orderPay", "1", 0, || false),
            "nothing to swap with"
        );
        assert!(book.take_swap("orderPay", "1", 0, || true));
        assert!(!book.take_swap("orderPay", "1", 0, || true), "used up");
    }

    #[test]
    fn openapi_faults_match_operation_and_access_key() {
        let book = FaultBook::default();
        let scope = Scope {
            operation: Some("PushMeteringData".into()),
            access_key: Some("AK".into()),
            ..Scope::default()
        };
        book.arm(Effect::OpenApi(OpenApiFault::Throttle), scope, 1);
        assert_eq!(book.take_spi("orderPay", "1", 0), None);
        assert_eq!(book.take_openapi("PushMeteringData", "other", 0), None);
        assert_eq!(book.take_openapi("DescribeInstance", "AK", 0), None);
        assert_eq!(
            book.take_openapi("PushMeteringData", "AK", 0),
            Some(OpenApiFault::Throttle)
        );
        book.clear();
        assert!(book.faults().is_empty() && book.fired().is_empty());
    }
}
