//! Which operation a request runs: the one its signature covers. V3 signs its `x-acs-action` header
//! (and its query and body, so an `Action` parameter too); V1 signs its `Action` parameter and no
//! header, though tea-openapi sends `x-acs-action` beside it. Every other name the request carries
//! must be the same one: a request that names two operations is refused, and neither runs.

use super::{ApiError, ErrorCode};

/// The operation `signed` names — the name the signature covers — provided every name in `also`
/// (the request's other ones) is the same. No signed name is `MissingAction`; two different names
/// are `InvalidAction.Mismatch`.
pub fn agreed<'r>(
    signed: Option<&'r str>,
    mut also: impl Iterator<Item = &'r str>,
) -> Result<&'r str, ApiError> {
    let action = signed
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ErrorCode::Missing("Action".into()))?;
    match also.find(|other| other.trim() != action) {
        Some(other) => Err(mismatch(action, other)),
        None => Ok(action),
    }
}

/// What stands in the message for a header value that is not text.
pub const NOT_TEXT: &str = "a value that is not text";

fn mismatch(action: &str, other: &str) -> ApiError {
    ErrorCode::ActionMismatch {
        signed: action.to_owned(),
        other: other.trim().to_owned(),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_name_runs_when_every_other_name_is_the_same() {
        assert_eq!(
            agreed(Some("PauseProject"), std::iter::empty()),
            Ok("PauseProject")
        );
        assert_eq!(
            agreed(
                Some("PauseProject"),
                ["PauseProject", " PauseProject "].into_iter()
            ),
            Ok("PauseProject")
        );
    }

    #[test]
    fn another_name_is_a_mismatch_that_names_both() {
        let e = agreed(Some("DescribeProjectInfo"), ["PauseProject"].into_iter()).unwrap_err();
        assert_eq!((e.status(), e.code()), (400, "InvalidAction.Mismatch"));
        assert!(
            e.message().contains("DescribeProjectInfo and PauseProject"),
            "{}",
            e.message()
        );
        let e = agreed(Some("PauseProject"), ["", NOT_TEXT].into_iter()).unwrap_err();
        assert_eq!(e.code(), "InvalidAction.Mismatch");
    }

    #[test]
    fn no_signed_name_is_missing_action_whatever_else_the_request_names() {
        for signed in [None, Some(""), Some("  ")] {
            let e = agreed(signed, ["PauseProject"].into_iter()).unwrap_err();
            assert_eq!((e.status(), e.code()), (400, "MissingAction"));
        }
    }
}
