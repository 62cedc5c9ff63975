//! Faults on demand, toward any vendor: an SPI call's answer thrown away after the vendor did the
//! work, an error status, a malformed body, a refused connection, a call sent twice, two deliveries
//! swapped; and toward a vendor's own OpenAPI calls, an operation answered `Service.Flow.Control`
//! or a 5xx, held past an SDK's read timeout, or run with its answer dropped. Each is scoped (an
//! action and an instance, or an operation and an AccessKey) and fires a count of times.
//!
//! [`spec`] checks a fault as written (this module arms it); [`book`], held by the state handle,
//! keeps the armed faults and the log of their firing; [`spi`] acts on an SPI call in its
//! transport. The delivery engine takes SPI faults in the
//! order deliveries are due, so a run reads the same whatever order the answers come back in; the
//! OpenAPI takes its own as requests arrive.

pub mod book;
pub mod spec;
pub mod spi;

use crate::state::Simulator;
use book::Fault;
use spec::FaultSpec;

impl Simulator {
    /// Checks `spec` and arms it.
    pub fn arm_fault(&self, spec: &FaultSpec) -> Result<Fault, String> {
        let checked = spec.check(self)?;
        Ok(self.faults().arm(checked.effect, checked.scope, checked.count))
    }
}
