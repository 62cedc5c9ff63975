//! The table of every error code the Market OpenAPI answers: each variant's wire code, HTTP status
//! and message in one place, as s3s keeps `S3ErrorCode` beside its error type. A code named after a
//! parameter (`Missing<Name>`, `Invalid<Name>`, `Invalid<Name>.NotFound`) carries the parameter's
//! name; a message made of what the request sent carries that. Codes whose message differs from
//! one refusal to the next (metering, projects, tokens) have a message of their own here and take
//! the refusal's words with [`ErrorCode::with_message`]. [`super::ApiError`] is an entry of this
//! table as answered.

use super::ApiError;
use std::borrow::Cow;

/// An error code of the Market OpenAPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    // The request as a whole.
    /// `Forbidden.CrossSiteRequest` (403): a web page sent the request.
    CrossSiteRequest,
    /// `InvalidParameter.BodyTooLarge` (413): the body exceeds the limit, in bytes.
    BodyTooLarge(usize),
    /// `InvalidParameter` (400): the query or the form body is not UTF-8 text.
    ParametersNotText,
    /// `InvalidParameter` (400): the named parameter is given more than once.
    ParameterRepeated(String),
    /// `InvalidApi.NotFound` (404): no operation has the signed name.
    UnknownAction,
    /// `InvalidAction.Mismatch` (400): the request names two operations.
    ActionMismatch { signed: String, other: String },

    // The signature.
    /// `IncompleteSignature` (400), with what is missing or malformed.
    IncompleteSignature(String),
    /// `InvalidSignatureMethod` (400): the named algorithm is not accepted.
    InvalidSignatureMethod(String),
    /// `InvalidSignatureVersion` (400): the named V1 version is not 1.0.
    InvalidSignatureVersion(String),
    /// `InvalidAccessKeyId.NotFound` (404).
    AccessKeyNotFound,
    /// `InvalidTimeStamp.Format` (400): the timestamp as sent.
    TimestampFormat(String),
    /// `InvalidTimeStamp.Expired` (400): the timestamp as sent and the server's time.
    TimestampExpired { sent: String, server: String },
    /// `SignatureDoesNotMatch` (400); V1 and V3 each say their string to sign in their own words.
    SignatureDoesNotMatch,
    /// `InvalidSecurityToken.Mismatch` (400).
    SecurityTokenMismatch,
    /// `SignatureNonceUsed` (400).
    NonceUsed,

    // Parameters.
    /// `Missing<Name>` (400): a required parameter is absent.
    Missing(String),
    /// `Invalid<Name>` (400): a parameter is present but unusable.
    Invalid(String),
    /// `InvalidBillingCycle` (400): a bill month after the current one, as sent and the current.
    FutureBillingCycle { sent: String, current: String },
    /// `Invalid<Name>.NotFound` (404): the thing named does not exist — or is not the caller's,
    /// which reads the same so ids cannot be probed.
    NotFound(String),

    // Who may call.
    /// `Forbidden.RAM` (403): the caller may not call this operation or see this resource.
    ForbiddenRam,
    /// `Permission.Denied` (403): PushMeteringData with STS credentials.
    PermissionDenied,
    /// `Auth.CallerType` (400): licenses refuse STS tokens.
    CallerType,

    // Instances and orders.
    /// `InvalidExceptCodes` (400): `ExceptCodes` beside `Codes`.
    ExceptCodesWithCodes,
    /// `IncorrectInstanceStatus` (400): the instance's state or SKU does not allow the order; the
    /// refusal says why.
    IncorrectInstanceStatus,
    /// `InvalidCommodity` (400), with what is wrong with it.
    InvalidCommodity(String),
    /// `IdempotentParameterMismatch` (400): a client token reused with other parameters.
    IdempotentParameterMismatch,
    /// `Account.Arrearage` (400): a buyer in arrears buying pay-as-you-go.
    Arrearage,

    // Metering.
    /// `Invalid.Parameter.Metering` (400): the refusal says which rule.
    MeteringInvalid,
    /// `Metering.Data.Exceeded` (400).
    MeteringExceeded,
    /// `Invalid.Parameter.Instance` (400): the refusal names the instance.
    MeteringInstance,
    /// `Invalid.Parameter` (400): records of two products in one push.
    MeteringProducts,
    /// `Service.Flow.Control` (400), sent with `x-acs-retry-after`.
    FlowControl,

    // Notifications.
    /// `InvalidToken` (400): the refusal says why.
    InvalidToken,

    // Licenses.
    /// `License.NotFound` (400).
    LicenseNotFound,
    /// `License.Expired` (400).
    LicenseExpired,
    /// `Auth.Authorized` (400): already activated.
    LicenseActivated,
    /// `Auth.Match` (400).
    LicenseIdentification,

    // Catalog.
    /// `Invalid.Param` (400): a filter DescribeProducts or DescribeDistributionProducts does not know.
    InvalidFilter,
    /// `Invalid.Sort` (400).
    InvalidSort,
    /// `Invalid.CategoryId` (400).
    InvalidCategoryId,
    /// `ReturnNull` (400): DescribePrice found no product or SKU.
    ReturnNull,
    /// `Invalid.InvoiceStatus` (400).
    InvoiceStatus,

    // Projects.
    /// `IllegalParameter` (400): the named parameter.
    IllegalParameter(String),
    /// `IllegalProjectStatus` (400): the refusal says which status.
    IllegalProjectStatus,
    /// `IllegalCurrentNode` (400): the refusal says why.
    IllegalCurrentNode,
    /// `IllegalOperatorRole` (400): the refusal says why.
    IllegalOperatorRole,

    /// `InternalError` (500), with nothing internal in it.
    Internal,
    /// A 5xx the gateway answers without the operation running: `ServiceUnavailable` for 503,
    /// `InternalError` for any other (an injected fault).
    ServerFault(u16),
}

use ErrorCode::*;

impl ErrorCode {
    /// The code as the wire spells it.
    pub fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            CrossSiteRequest => "Forbidden.CrossSiteRequest",
            BodyTooLarge(_) => "InvalidParameter.BodyTooLarge",
            ParametersNotText | ParameterRepeated(_) => "InvalidParameter",
            UnknownAction => "InvalidApi.NotFound",
            ActionMismatch { .. } => "InvalidAction.Mismatch",
            IncompleteSignature(_) => "IncompleteSignature",
            InvalidSignatureMethod(_) => "InvalidSignatureMethod",
            InvalidSignatureVersion(_) => "InvalidSignatureVersion",
            AccessKeyNotFound => "InvalidAccessKeyId.NotFound",
            TimestampFormat(_) => "InvalidTimeStamp.Format",
            TimestampExpired { .. } => "InvalidTimeStamp.Expired",
            SignatureDoesNotMatch => "SignatureDoesNotMatch",
            SecurityTokenMismatch => "InvalidSecurityToken.Mismatch",
            NonceUsed => "SignatureNonceUsed",
            Missing(name) => return Cow::Owned(format!("Missing{name}")),
            Invalid(name) => return Cow::Owned(format!("Invalid{name}")),
            NotFound(name) => return Cow::Owned(format!("Invalid{name}.NotFound")),
            FutureBillingCycle { .. } => "InvalidBillingCycle",
            ForbiddenRam => "Forbidden.RAM",
            PermissionDenied => "Permission.Denied",
            CallerType => "Auth.CallerType",
            ExceptCodesWithCodes => "InvalidExceptCodes",
            IncorrectInstanceStatus => "IncorrectInstanceStatus",
            InvalidCommodity(_) => "InvalidCommodity",
            IdempotentParameterMismatch => "IdempotentParameterMismatch",
            Arrearage => "Account.Arrearage",
            MeteringInvalid => "Invalid.Parameter.Metering",
            MeteringExceeded => "Metering.Data.Exceeded",
            MeteringInstance => "Invalid.Parameter.Instance",
            MeteringProducts => "Invalid.Parameter",
            FlowControl => "Service.Flow.Control",
            InvalidToken => "InvalidToken",
            LicenseNotFound => "License.NotFound",
            LicenseExpired => "License.Expired",
            LicenseActivated => "Auth.Authorized",
            LicenseIdentification => "Auth.Match",
            InvalidFilter => "Invalid.Param",
            InvalidSort => "Invalid.Sort",
            InvalidCategoryId => "Invalid.CategoryId",
            ReturnNull => "ReturnNull",
            InvoiceStatus => "Invalid.InvoiceStatus",
            IllegalParameter(_) => "IllegalParameter",
            IllegalProjectStatus => "IllegalProjectStatus",
            IllegalCurrentNode => "IllegalCurrentNode",
            IllegalOperatorRole => "IllegalOperatorRole",
            Internal => "InternalError",
            ServerFault(503) => "ServiceUnavailable",
            ServerFault(_) => "InternalError",
        })
    }

    /// The HTTP status the code is answered with.
    pub fn status(&self) -> u16 {
        match self {
            CrossSiteRequest | ForbiddenRam | PermissionDenied => 403,
            UnknownAction | AccessKeyNotFound | NotFound(_) => 404,
            BodyTooLarge(_) => 413,
            Internal => 500,
            ServerFault(status) => *status,
            _ => 400,
        }
    }

    /// The message the code is answered with, unless the refusal says its own.
    pub fn message(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            CrossSiteRequest => "The OpenAPI does not answer a request a web page sent (it carries Origin or Sec-Fetch-Site): call it from an SDK or a server.",
            BodyTooLarge(limit) => return Cow::Owned(format!("The request body exceeds {limit} bytes.")),
            ParametersNotText => "Specified parameter is not valid: the query and the form body must be UTF-8 text.",
            ParameterRepeated(name) => {
                return Cow::Owned(format!("Specified parameter {name} is not valid: it is given more than once."))
            }
            UnknownAction => "Specified api is not found, please check your url and method.",
            ActionMismatch { signed, other } => return Cow::Owned(format!(
                "The request names two operations, {signed} and {other}: its x-acs-action header and its Action parameter must name the same one."
            )),
            IncompleteSignature(detail) => {
                return Cow::Owned(format!("The request signature does not conform to Aliyun standards: {detail}."))
            }
            InvalidSignatureMethod(method) => return Cow::Owned(format!(
                "Specified signature method is not valid: {method}. The marketplace accepts ACS3-HMAC-SHA256 (V3) and HMAC-SHA1 (V1)."
            )),
            InvalidSignatureVersion(version) => return Cow::Owned(format!(
                "Specified signature version is not valid: {version}. The marketplace accepts 1.0."
            )),
            AccessKeyNotFound => "Specified access key is not found.",
            TimestampFormat(sent) => return Cow::Owned(format!(
                "Specified time stamp or date value is not well formatted: {sent}. Write UTC as YYYY-MM-DDThh:mm:ssZ."
            )),
            TimestampExpired { sent, server } => return Cow::Owned(format!(
                "Specified time stamp or date value is expired: {sent} is more than 15 minutes from the server's {server}."
            )),
            SignatureDoesNotMatch => "Specified signature does not match our calculation.",
            SecurityTokenMismatch => "Specified SecurityToken mismatch with the AccessKey.",
            NonceUsed => "Specified signature nonce was used already.",
            Missing(name) => return Cow::Owned(format!("{name} is mandatory for this action.")),
            Invalid(name) => return Cow::Owned(format!("Specified parameter {name} is not valid.")),
            NotFound(name) => return Cow::Owned(format!("The specified {name} does not exist.")),
            FutureBillingCycle { sent, current } => return Cow::Owned(format!(
                "Specified parameter BillingCycle is not valid: {sent} is after the current billing cycle {current}."
            )),
            ForbiddenRam => {
                "User not authorized to operate on the specified resource, or this API doesn't support RAM."
            }
            PermissionDenied => "PushMeteringData cannot be called with STS credentials or as a RAM user.",
            CallerType => "RAM users or STS tokens are not supported.",
            ExceptCodesWithCodes => "ExceptCodes cannot be specified together with Codes.",
            IncorrectInstanceStatus => "The current status of the instance does not support this operation.",
            InvalidCommodity(detail) => {
                return Cow::Owned(format!("Specified parameter Commodity is not valid: {detail}"))
            }
            IdempotentParameterMismatch => "The ClientToken was used before with other parameters.",
            Arrearage => "Your account has an outstanding payment: pay it before buying pay-as-you-go services.",
            MeteringInvalid => "Specified parameter Metering is not valid.",
            MeteringExceeded => "The number of metering entities must not exceed 100.",
            MeteringInstance => "The instance is not in service.",
            MeteringProducts => "All records of one request must belong to instances of the same product.",
            FlowControl => "The rate throttling threshold has been exceeded.",
            InvalidToken => "The specified Token does not exist.",
            LicenseNotFound => "The specified license does not exist.",
            LicenseExpired => "The license has expired.",
            LicenseActivated => "The license has already been activated.",
            LicenseIdentification => "The identification does not match the license's buyer.",
            InvalidFilter => "The filter is not valid.",
            InvalidSort => "The sort is not valid.",
            InvalidCategoryId => "The category ID is not valid.",
            ReturnNull => "No results found.",
            InvoiceStatus => "The invoice request has already been issued or rejected.",
            IllegalParameter(name) => return Cow::Owned(format!("Illegal parameter {name}.")),
            IllegalProjectStatus => "The project is finished.",
            IllegalCurrentNode => "The node is not the project's current node.",
            IllegalOperatorRole => "The caller does not operate the current node.",
            ServerFault(503) => "The request has failed due to a temporary failure of the server.",
            Internal | ServerFault(_) => {
                "The request processing has failed due to some unknown error, exception or failure."
            }
        })
    }

    /// This code with the refusal's own words instead of the table's message.
    pub fn with_message(self, message: impl Into<String>) -> ApiError {
        ApiError {
            message: message.into(),
            ..ApiError::from(self)
        }
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> ApiError {
        ApiError {
            code: code.code().into_owned(),
            status: code.status(),
            message: code.message().into_owned(),
            retry_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_codes_name_their_parameter() {
        let e = ApiError::from(Missing("InstanceId".into()));
        assert_eq!((e.status(), e.code()), (400, "MissingInstanceId"));
        assert_eq!(e.message(), "InstanceId is mandatory for this action.");
        let e = ApiError::from(NotFound("OrderId".into()));
        assert_eq!((e.status(), e.code()), (404, "InvalidOrderId.NotFound"));
        assert_eq!(e.message(), "The specified OrderId does not exist.");
        assert_eq!(ApiError::from(Invalid("Type".into())).code(), "InvalidType");
    }

    #[test]
    fn a_refusals_own_words_keep_the_code_and_status() {
        let e = MeteringInstance.with_message("The instance 1 does not exist.");
        assert_eq!((e.status(), e.code()), (400, "Invalid.Parameter.Instance"));
        assert_eq!(e.message(), "The instance 1 does not exist.");
        assert_eq!(e.retry_after(), None);
    }
}
