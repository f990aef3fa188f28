//! Every error code the hub answers with: the `error` of an API error body, the key of its
//! message in `hub/locales/<lang>/errors.ftl` (`error-<code>`), and the `error` of a line of an
//! import report. The list is the clients' reference: a code, once published, keeps its meaning.
//!
//! Each code has one HTTP status, decided in `hub/src/error.rs` by one `match`; the groups below
//! follow it. A code is added here, given its status there, and its message in the three
//! languages (a test of the hub fails until it has them).

use serde::{Serialize, Serializer};

/// Declares [`Code`] from one table `Variant => "snake_code"`, so each code is spelt once.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident => $code:literal,)*) => {
        /// A stable, machine-readable error code (see the module documentation).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of the list.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as clients see it, e.g. `invalid_credit_code`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }
        }
    };
}

codes! {
    // The request could not be read.
    /// The request could not be read (its request line or a header is malformed).
    BadRequest => "bad_request",
    /// A stamp link is not `/01/{gtin}/21/{serial}` (optionally with `/10/{lot}`) with a valid GTIN.
    InvalidDigitalLink => "invalid_digital_link",
    /// A field of a JSON body is missing or of the wrong type.
    InvalidField => "invalid_field",
    /// A form body could not be read.
    InvalidForm => "invalid_form",
    /// The body is not well-formed JSON.
    InvalidJson => "invalid_json",
    /// A multipart body could not be read.
    InvalidMultipart => "invalid_multipart",
    /// A query parameter is malformed.
    InvalidQuery => "invalid_query",
    /// An EPCIS document is not well-formed XML or JSON.
    MalformedEpcis => "malformed_epcis",
    /// A query parameter the endpoint does not know.
    UnknownQueryParameter => "unknown_query_parameter",
    /// The body could not be received.
    UnreadableBody => "unreadable_body",
    /// XML refused for safety: a DTD, entities, or nesting too deep.
    XmlRefused => "xml_refused",

    // No valid credentials.
    /// The `Authorization` header is not `Bearer <token>`.
    InvalidAuthorization => "invalid_authorization",
    /// Wrong username or password.
    InvalidCredentials => "invalid_credentials",
    /// The API token is unknown.
    InvalidToken => "invalid_token",
    /// The portal session has ended.
    SessionExpired => "session_expired",
    /// The API token has expired.
    TokenExpired => "token_expired",
    /// The API token was revoked.
    TokenRevoked => "token_revoked",
    /// The client certificate is bound to no account.
    CertificateUnknown => "certificate_unknown",
    /// The client certificate's binding was revoked.
    CertificateRevoked => "certificate_revoked",
    /// The client certificate's validity has ended.
    CertificateExpired => "certificate_expired",
    /// Neither a session nor a bearer token.
    Unauthenticated => "unauthenticated",
    /// The user of the credential is deactivated.
    UserInactive => "user_inactive",

    // Refused to this actor.
    /// A regulator system bound to no category captures nothing.
    CaptureNoCategory => "capture_no_category",
    /// A captured event is about an object neither the enterprise's product nor received by it.
    CaptureNotOwnProduct => "capture_not_own_product",
    /// A captured event's read point or business location is not a site of the enterprise.
    CaptureNotOwnSite => "capture_not_own_site",
    /// A captured event is about a product outside the regulator system's category.
    CaptureOutsideCategory => "capture_outside_category",
    /// The CSRF token does not match.
    CsrfInvalid => "csrf_invalid",
    /// A form or request without its CSRF token.
    CsrfMissing => "csrf_missing",
    /// The actor's role may not do this.
    Forbidden => "forbidden",
    /// The API token lacks the scope (read, write) the request needs.
    InsufficientScope => "insufficient_scope",
    /// Only an officer of the department that issued the stamps may do this.
    NotIssuingDepartment => "not_issuing_department",
    /// An enterprise traces only its own objects and itself.
    NotOwnObject => "not_own_object",
    /// A blacklist proposal is approved by another officer than the one who proposed it.
    OwnProposal => "own_proposal",
    /// Only an inspector of a spot-check task records its result.
    NotAssigned => "not_assigned",
    /// The object is outside the jurisdiction of the officer's department.
    OutsideJurisdiction => "outside_jurisdiction",

    // Not there.
    /// The stamp resolver has no link of the asked type for the product.
    LinkTypeNotFound => "link_type_not_found",
    /// No such route or object, or not one the actor may see.
    NotFound => "not_found",
    /// No stamp with this serial was issued for the product.
    UnknownSerial => "unknown_serial",

    // Refused by the protocol.
    /// The request's headers are too large.
    HeadersTooLarge => "headers_too_large",
    /// The route does not take this method.
    MethodNotAllowed => "method_not_allowed",
    /// The body is over the size limit.
    PayloadTooLarge => "payload_too_large",
    /// An EPCIS query matches more events than its `maxEventCount` (the standard's
    /// QueryTooLargeException).
    QueryTooLarge => "query_too_large",
    /// The body stopped arriving before it was complete.
    RequestTimeout => "request_timeout",
    /// The body's content type is not one the endpoint takes.
    UnsupportedMediaType => "unsupported_media_type",
    /// The URL is too long.
    UriTooLong => "uri_too_long",
    /// An EPCIS request names versions (`GS1-EPCIS-Version`, `-Min`, `-Max`, or the CBV's) that
    /// exclude the hub's (the standard's NotAcceptableException).
    VersionNotSupported => "version_not_supported",

    // Clashes with the current state.
    /// The alert is closed already.
    AlertClosed => "alert_closed",
    /// The alert was acknowledged or closed already.
    AlertNotOpen => "alert_not_open",
    /// The enterprise is on the blacklist already.
    AlreadyListed => "already_listed",
    /// A blacklist proposal for the enterprise already awaits approval.
    AlreadyProposed => "already_proposed",
    /// The batch is not one of the enterprise's batches.
    BatchNotOwn => "batch_not_own",
    /// The batch is of another product than the stamps.
    BatchOtherProduct => "batch_other_product",
    /// An administrator cannot deactivate themselves.
    CannotDeactivateSelf => "cannot_deactivate_self",
    /// A concurrent capture took the event ids; the capture may be sent again.
    CaptureRace => "capture_race",
    /// The change of key data was decided already.
    ChangeDecided => "change_decided",
    /// A change of key data already awaits review.
    ChangePending => "change_pending",
    /// The GS1 company prefix belongs to another enterprise.
    CompanyPrefixTaken => "company_prefix_taken",
    /// A record with these values exists (a unique constraint of the database).
    Conflict => "conflict",
    /// An enterprise with this credit code is registered.
    CreditCodeTaken => "credit_code_taken",
    /// The department code is taken.
    DepartmentCodeTaken => "department_code_taken",
    /// The enterprise is on the blacklist: it gets no stamps.
    EnterpriseBlacklisted => "enterprise_blacklisted",
    /// Only an active enterprise may do this.
    EnterpriseNotActive => "enterprise_not_active",
    /// A revoked enterprise cannot change anything.
    EnterpriseRevoked => "enterprise_revoked",
    /// The enterprise is suspended: it gets no stamps.
    EnterpriseSuspended => "enterprise_suspended",
    /// The GLN is registered to a site.
    GlnTaken => "gln_taken",
    /// The GTIN is filed already.
    GtinTaken => "gtin_taken",
    /// The decision does not apply to the enterprise's current status.
    InvalidTransition => "invalid_transition",
    /// A licence of this type and number is on file.
    LicenceTaken => "licence_taken",
    /// The blacklist listing was removed already.
    ListingRemoved => "listing_removed",
    /// This lot of the product is filed already.
    LotTaken => "lot_taken",
    /// The blacklist proposal was approved or rejected already.
    ProposalDecided => "proposal_decided",
    /// A spot-check plan is locked: its draw is made and nothing in it changes.
    PlanLocked => "plan_locked",
    /// A spot-check task cannot be staffed: too few inspectors without a conflict.
    NotEnoughInspectors => "not_enough_inspectors",
    /// A spot-check result is published and no longer changes.
    ResultPublished => "result_published",
    /// A spot-check task has no result to publish yet.
    ResultMissing => "result_missing",
    /// The credit tier is D while the enterprise is on the blacklist.
    TierFixedWhileListed => "tier_fixed_while_listed",
    /// A blacklist listing is removed one year after listing at the earliest.
    NotYetRemovable => "not_yet_removable",
    /// A stamp of the range is activated already; nothing was activated.
    StampAlreadyActivated => "stamp_already_activated",
    /// Stamps of the range changed meanwhile; nothing was changed.
    StampConflict => "stamp_conflict",
    /// A stamp of the range is revoked; nothing was activated.
    StampRevoked => "stamp_revoked",
    /// A token is not created for a deactivated user.
    UserNotActive => "user_not_active",
    /// The username is taken.
    UsernameTaken => "username_taken",
    /// The client certificate is bound to an account already.
    CertificateTaken => "certificate_taken",
    /// The caller already has a named EPCIS query of that name.
    QueryNameTaken => "query_name_taken",
    /// The recall case is not open (requested or closed).
    RecallNotOpen => "recall_not_open",
    /// The party must acknowledge the recall notice before it reports.
    RecallNotAcknowledged => "recall_not_acknowledged",
    /// A recall case cannot close while parties have not acknowledged and reported.
    RecallUnaccounted => "recall_unaccounted",

    // A value breaks a rule.
    /// The batch is of another product.
    BatchNotOfProduct => "batch_not_of_product",
    /// Only officers are bound to a department.
    BindingNotAllowed => "binding_not_allowed",
    /// An officer must be bound to a department.
    BindingRequired => "binding_required",
    /// The enterprise is not registered for the product's category.
    CategoryNotRegistered => "category_not_registered",
    /// Removing a blacklist listing needs both confirmations.
    ConfirmationRequired => "confirmation_required",
    /// An uploaded document is empty.
    EmptyDocument => "empty_document",
    /// A change that changes nothing.
    EmptyUpdate => "empty_update",
    /// The GTIN is not within the enterprise's GS1 company prefix.
    GtinNotYours => "gtin_not_yours",
    /// Not a commodity category.
    InvalidCategory => "invalid_category",
    /// Not one PEM X.509 certificate.
    InvalidCertificate => "invalid_certificate",
    /// A change of key data that cannot be read.
    InvalidChange => "invalid_change",
    /// Not one of the choices.
    InvalidChoice => "invalid_choice",
    /// Client certificates are bound to `system` users only.
    NotAMachineAccount => "not_a_machine_account",
    /// Not a department code (1 to 32 characters of A-Z, a-z, 0-9, `-`, `_`, `.`).
    InvalidCode => "invalid_code",
    /// Not a GS1 company prefix.
    InvalidCompanyPrefix => "invalid_company_prefix",
    /// A latitude or longitude out of range.
    InvalidCoordinate => "invalid_coordinate",
    /// Not an ISO 3166-1 alpha-2 country code.
    InvalidCountry => "invalid_country",
    /// Not a Unified Social Credit Code (GB 32100-2015).
    InvalidCreditCode => "invalid_credit_code",
    /// Not a credit tier (A, B, C or D).
    InvalidCreditTier => "invalid_credit_tier",
    /// A line of an import file that is not CSV (broken quoting, a wrong number of fields).
    InvalidCsv => "invalid_csv",
    /// Not a date (YYYY-MM-DD).
    InvalidDate => "invalid_date",
    /// The description of a suspected fake is empty or too long.
    InvalidDescription => "invalid_description",
    /// A display name that is empty or too long.
    InvalidDisplayName => "invalid_display_name",
    /// Not a document type.
    InvalidDocumentType => "invalid_document_type",
    /// Not an e-mail address.
    InvalidEmail => "invalid_email",
    /// Well-formed, but not a valid EPCIS document or event.
    InvalidEpcis => "invalid_epcis",
    /// A cell of an import file that is not UTF-8.
    InvalidEncoding => "invalid_encoding",
    /// An expiry before its start (a batch's production date, a token's now).
    InvalidExpiry => "invalid_expiry",
    /// Not a GLN (13 digits with a correct check digit).
    InvalidGln => "invalid_gln",
    /// Not a GTIN, or one that cannot be put in a stamp link.
    InvalidGtin => "invalid_gtin",
    /// The header of an import file is wrong (a column missing, unknown or repeated).
    InvalidHeader => "invalid_header",
    /// The code under the scratch-off layer is missing.
    InvalidHiddenCode => "invalid_hidden_code",
    /// An identifier to trace that is empty or unknown in form.
    InvalidIdentifier => "invalid_identifier",
    /// A background job without a kind or attempts.
    InvalidJob => "invalid_job",
    /// A label grid that cannot be printed.
    InvalidLayout => "invalid_layout",
    /// An import file with bad lines; nothing was written (the report lists them).
    InvalidLines => "invalid_lines",
    /// Not one of the languages (zh-CN, vi, en).
    InvalidLocale => "invalid_locale",
    /// A scan's location out of range, or one coordinate without the other.
    InvalidLocation => "invalid_location",
    /// A leaf index of the evidence ledger not below the tree size.
    InvalidLeafIndex => "invalid_leaf_index",
    /// Not a lot number (up to 20 GS1 characters).
    InvalidLot => "invalid_lot",
    /// A name that is empty or too long.
    InvalidName => "invalid_name",
    /// Not a number.
    InvalidNumber => "invalid_number",
    /// Not a page number.
    InvalidPage => "invalid_page",
    /// A `nextPageToken` this hub did not give.
    InvalidPageToken => "invalid_page_token",
    /// A password that cannot be used (too long).
    InvalidPassword => "invalid_password",
    /// Not a telephone number.
    InvalidPhone => "invalid_phone",
    /// A quantity out of the allowed range.
    InvalidQuantity => "invalid_quantity",
    /// A range of stamps not within the order.
    InvalidRange => "invalid_range",
    /// Not a region code of the country (GB/T 2260 in China).
    InvalidRegion => "invalid_region",
    /// Not a role.
    InvalidRole => "invalid_role",
    /// Not a scope of API tokens (read, write).
    InvalidScope => "invalid_scope",
    /// A secret key that is not 64 hexadecimal characters.
    InvalidSecretKey => "invalid_secret_key",
    /// Not a stamp serial (1 to 20 characters).
    InvalidSerial => "invalid_serial",
    /// Not a SHA-256 digest (64 hexadecimal characters).
    InvalidSha256 => "invalid_sha256",
    /// A shelf life out of range (1 to 36500 days).
    InvalidShelfLife => "invalid_shelf_life",
    /// The list cannot be sorted by this column.
    InvalidSort => "invalid_sort",
    /// A text that is empty when required, or too long.
    InvalidText => "invalid_text",
    /// An API token's name that is empty or too long.
    InvalidTokenName => "invalid_token_name",
    /// A tree size of the evidence ledger beyond its leaves, or a first size above the second.
    InvalidTreeSize => "invalid_tree_size",
    /// A unit that is empty or too long.
    InvalidUnit => "invalid_unit",
    /// Not a username (3 to 64 characters of a-z, 0-9, `.`, `_`, `-`).
    InvalidUsername => "invalid_username",
    /// A validity that ends before it starts.
    InvalidValidity => "invalid_validity",
    /// A line of an import file refused for a reason without a code of its own.
    InvalidValue => "invalid_value",
    /// A regulator file that is not well-formed XML, or an element it does not expect.
    InvalidXml => "invalid_xml",
    /// Neither a stamp serial nor an order given.
    MissingTarget => "missing_target",
    /// Only a document about a product or batch can be published.
    PublishNeedsProduct => "publish_needs_product",
    /// A decision that the enterprise will read needs its reason.
    ReasonRequired => "reason_required",
    /// A required value is missing.
    Required => "required",
    /// A restricted circulation, coupon or zero number is no GLN of a location.
    RestrictedGln => "restricted_gln",
    /// A restricted circulation, coupon or zero number is no GTIN of a trade item.
    RestrictedGtin => "restricted_gtin",
    /// A text over 200 characters.
    TooLong => "too_long",
    /// No batch with this id.
    UnknownBatch => "unknown_batch",
    /// A spot-check item code the department (or the plan) does not have.
    UnknownCheckItem => "unknown_check_item",
    /// No department with this id.
    UnknownDepartment => "unknown_department",
    /// No document of the enterprise has this id.
    UnknownDocument => "unknown_document",
    /// No enterprise with this id.
    UnknownEnterprise => "unknown_enterprise",
    /// An equipment code with no manufacture record.
    UnknownEquipment => "unknown_equipment",
    /// Not one of the enterprise's products.
    UnknownProduct => "unknown_product",
    /// Not one of the enterprise's sites.
    UnknownSite => "unknown_site",
    /// An EPCIS event names a GLN of no registered site or enterprise.
    UnregisteredGln => "unregistered_gln",
    /// A document's content type is not accepted.
    UnsupportedContentType => "unsupported_content_type",
    /// A password shorter than 10 characters.
    WeakPassword => "weak_password",

    // Too many attempts.
    /// Too many failed sign-ins; try again later.
    TooManyAttempts => "too_many_attempts",
    /// Too many wrong hidden codes for a stamp or from a client; try again later.
    TooManyWrongCodes => "too_many_wrong_codes",

    // The hub failed.
    /// The database cannot be reached.
    DatabaseUnavailable => "database_unavailable",
    /// The hub failed to answer; the cause is logged.
    InternalError => "internal_error",
    /// The evidence ledger's signing key could not be loaded.
    LedgerUnconfigured => "ledger_unconfigured",
    /// The hidden-code keys of stamps are not configured.
    StampsUnconfigured => "stamps_unconfigured",
    /// Verification of hidden codes is not available (its keys are not configured).
    VerificationUnavailable => "verification_unavailable",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// As the string clients see, so bodies are `{"error": "invalid_credit_code", ...}`.
impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Compares with the string clients see (tests assert on it).
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_are_distinct_snake_case_and_serialised_as_their_string() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{s} is not snake_case"
            );
            assert_eq!(serde_json::to_value(code).unwrap(), s);
            assert_eq!(code.to_string(), s);
        }
        assert_eq!(Code::InvalidCreditCode, "invalid_credit_code");
    }
}
