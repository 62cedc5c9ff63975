//! OpenAPI faults as the gateway acts them out on one request (`crate::faults`): `throttle` and
//! `server_error` answer in the operation's place, so nothing is stored; `slow` runs the operation
//! and holds its answer in real time, past an SDK's read timeout; `drop` runs it and closes the
//! connection without an answer (when served through `serving`), so the caller cannot tell whether
//! it was stored — a retry is a duplicate.

use super::{ApiError, ErrorCode};
use crate::faults::book::OpenApiFault;
use axum::response::Response;

/// Seconds a throttled caller is told to wait (`x-acs-retry-after`).
const THROTTLE_RETRY_AFTER: u64 = 1;

/// The answer a fault gives in the operation's place, if it does.
pub fn instead(fault: Option<&OpenApiFault>) -> Option<ApiError> {
    match fault? {
        OpenApiFault::Throttle => {
            Some(ApiError::from(ErrorCode::FlowControl).with_retry_after(THROTTLE_RETRY_AFTER))
        }
        OpenApiFault::ServerError(status) => Some(ApiError::from(ErrorCode::ServerFault(*status))),
        OpenApiFault::Slow(_) | OpenApiFault::Drop => None,
    }
}

/// The operation's `response` as the fault lets it go: later, lost, or as it is.
pub async fn after(fault: Option<OpenApiFault>, mut response: Response) -> Response {
    match fault {
        Some(OpenApiFault::Slow(delay)) => tokio::time::sleep(delay).await,
        Some(OpenApiFault::Drop) => {
            response.extensions_mut().insert(serving::server::DropConnection);
        }
        _ => {}
    }
    response
}
