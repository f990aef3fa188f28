//! The tables, as diesel sees them: one portable description for both backends. A test in
//! `db` loads every column of every table on both databases, so this cannot drift from the
//! migrations unnoticed. The EPCIS tables are in `events.rs`, the evidence ledger's in
//! `ledger.rs`, both re-exported here.

mod events;
mod intake;
mod ledger;
mod recall;
mod spot_checks;
pub use events::*;
pub use intake::*;
pub use ledger::*;
pub use recall::*;
pub use spot_checks::*;

diesel::table! {
    departments (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        name_en -> Text,
        region_code -> Text,
        categories -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        role -> Text,
        department_id -> Nullable<BigInt>,
        enterprise_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        locale -> Nullable<Text>,
        category -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        token_prefix -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    client_certificates (id) {
        id -> BigInt,
        user_id -> BigInt,
        fingerprint -> Text,
        subject -> Text,
        not_after -> Timestamp,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        username -> Text,
        client_hash -> Text,
        succeeded -> Bool,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        target -> Text,
        request_id -> Text,
        detail -> Text,
        digest -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
        mac -> Text,
    }
}

diesel::table! {
    enterprises (id) {
        id -> BigInt,
        credit_code -> Text,
        name -> Text,
        name_en -> Text,
        legal_representative -> Text,
        phone -> Text,
        email -> Text,
        region_code -> Text,
        address -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        company_prefix -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        credit_tier -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    enterprise_categories (enterprise_id, category) {
        enterprise_id -> BigInt,
        category -> Text,
    }
}

diesel::table! {
    enterprise_history (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        before -> Text,
        after -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    enterprise_changes (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        kind -> Text,
        payload -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        proposed_by -> Text,
        proposed_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sites (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        name -> Text,
        kind -> Text,
        gln -> Text,
        address -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    licences (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        licence_type -> Text,
        number -> Text,
        valid_from -> Date,
        valid_to -> Date,
        authority -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        company_prefix -> Text,
        gtin -> Text,
        category -> Text,
        name -> Text,
        specification -> Text,
        shelf_life_days -> Nullable<Integer>,
        target_markets -> Text,
        created_at -> Timestamp,
        flagged -> Nullable<Text>,
    }
}

diesel::table! {
    batches (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        company_prefix -> Text,
        product_id -> BigInt,
        lot -> Text,
        production_date -> Date,
        expiry_date -> Nullable<Date>,
        quantity -> Double,
        unit -> Text,
        site_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        flagged -> Nullable<Text>,
    }
}

diesel::table! {
    batch_inputs (batch_id, input_batch_id) {
        batch_id -> BigInt,
        input_batch_id -> BigInt,
        company_prefix -> Text,
    }
}

diesel::joinable!(users -> departments (department_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(client_certificates -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(enterprise_categories -> enterprises (enterprise_id));
diesel::joinable!(enterprise_history -> enterprises (enterprise_id));
diesel::joinable!(enterprise_changes -> enterprises (enterprise_id));
diesel::joinable!(sites -> enterprises (enterprise_id));
diesel::joinable!(licences -> enterprises (enterprise_id));
diesel::joinable!(products -> enterprises (enterprise_id));
diesel::joinable!(batches -> products (product_id));

diesel::allow_tables_to_appear_in_same_query!(
    departments,
    users,
    api_tokens,
    client_certificates,
    sessions,
    login_attempts,
    audit_log,
    audit_head,
    outbox,
    enterprises,
    enterprise_categories,
    enterprise_history,
    enterprise_changes,
    sites,
    licences,
    products,
    batches,
    batch_inputs,
    capture_jobs,
    capture_job_warnings,
    capture_job_duplicates,
    epcis_events,
    epcis_event_aliases,
    epcis_named_queries,
    epcis_subscriptions,
    epcis_subscription_backlog,
    lineage_nodes,
    epcis_event_nodes,
    lineage_edges,
    alerts,
    blacklist,
    blacklist_proposals,
    notices,
    registry_settings,
    document_blobs,
    documents,
    enterprise_search,
    stamp_orders,
    stamps,
    stamp_activations,
    stamp_revocations,
    stamp_scans,
    stamp_verify_failures,
    stamp_fake_reports,
    recall_cases,
    recall_case_lots,
    recall_places,
    recall_parties,
    recall_disposals,
    recall_complaints,
);

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        dedupe_key -> Nullable<Text>,
        company_prefix -> Text,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_after -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    alerts (id) {
        id -> BigInt,
        kind -> Text,
        severity -> Text,
        enterprise_id -> Nullable<BigInt>,
        region_code -> Text,
        category -> Text,
        company_prefix -> Text,
        subject -> Text,
        detail -> Text,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        raised_at -> Timestamp,
        handled_by -> Nullable<Text>,
        handled_at -> Nullable<Timestamp>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    blacklist (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        company_prefix -> Text,
        department_id -> BigInt,
        reason -> Text,
        penalty -> Text,
        decision_number -> Text,
        listed_by -> Text,
        listed_at -> Timestamp,
        removable_from -> Date,
        removed_by -> Nullable<Text>,
        removed_at -> Nullable<Timestamp>,
        removal_reason -> Nullable<Text>,
        penalties_fulfilled -> Nullable<Bool>,
        no_new_heavy_penalty -> Nullable<Bool>,
        legal_basis -> Text,
        proposed_by -> Text,
        tier_before -> Text,
    }
}

diesel::table! {
    blacklist_proposals (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        department_id -> BigInt,
        penalty -> Text,
        decision_number -> Text,
        legal_basis -> Text,
        reason -> Text,
        proposed_by -> Text,
        proposed_by_user_id -> BigInt,
        proposed_at -> Timestamp,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        listing_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    notices (id) {
        id -> BigInt,
        user_id -> BigInt,
        topic -> Text,
        source -> Text,
        subject -> Text,
        body -> Text,
        locale -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(alerts -> enterprises (enterprise_id));
diesel::joinable!(blacklist -> enterprises (enterprise_id));
diesel::joinable!(blacklist_proposals -> enterprises (enterprise_id));
diesel::joinable!(notices -> users (user_id));

diesel::table! {
    registry_settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    document_blobs (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        content -> Binary,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        company_prefix -> Text,
        doc_type -> Text,
        issuer -> Text,
        number -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        product_id -> Nullable<BigInt>,
        batch_id -> Nullable<BigInt>,
        sha256 -> Text,
        size_bytes -> BigInt,
        content_type -> Text,
        filename -> Text,
        storage -> Text,
        published -> Bool,
        uploaded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(documents -> enterprises (enterprise_id));
diesel::joinable!(documents -> products (product_id));
diesel::joinable!(documents -> batches (batch_id));

diesel::table! {
    enterprise_search (enterprise_id) {
        enterprise_id -> BigInt,
        search_name -> Text,
    }
}

diesel::table! {
    stamp_orders (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        product_id -> BigInt,
        department_id -> BigInt,
        company_prefix -> Text,
        gtin -> Text,
        kind -> Text,
        quantity -> BigInt,
        resolver_host -> Text,
        issued_by -> Text,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    stamps (serial) {
        serial -> Text,
        order_id -> BigInt,
        seq -> BigInt,
        company_prefix -> Text,
        key_version -> Nullable<Integer>,
        batch_id -> Nullable<BigInt>,
        activated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revocation_id -> Nullable<BigInt>,
        scan_count -> BigInt,
    }
}

diesel::table! {
    stamp_activations (id) {
        id -> BigInt,
        order_id -> BigInt,
        first_seq -> BigInt,
        last_seq -> BigInt,
        batch_id -> BigInt,
        company_prefix -> Text,
        activated_by -> Text,
        activated_at -> Timestamp,
    }
}

diesel::table! {
    stamp_revocations (id) {
        id -> BigInt,
        order_id -> BigInt,
        first_seq -> BigInt,
        last_seq -> BigInt,
        reason -> Text,
        company_prefix -> Text,
        revoked_by -> Text,
        revoked_at -> Timestamp,
    }
}

diesel::table! {
    stamp_scans (id) {
        id -> BigInt,
        serial -> Text,
        company_prefix -> Text,
        scanned_at -> Timestamp,
        client_hash -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        country -> Nullable<Text>,
        verdict -> Text,
    }
}

diesel::table! {
    stamp_verify_failures (id) {
        id -> BigInt,
        serial -> Text,
        client_hash -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    stamp_fake_reports (id) {
        id -> BigInt,
        serial -> Text,
        company_prefix -> Text,
        description -> Text,
        place -> Text,
        contact -> Text,
        client_hash -> Text,
        reported_at -> Timestamp,
        alert_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(stamp_orders -> enterprises (enterprise_id));
diesel::joinable!(stamp_orders -> products (product_id));
diesel::joinable!(stamp_orders -> departments (department_id));
diesel::joinable!(stamps -> stamp_orders (order_id));
diesel::joinable!(stamps -> batches (batch_id));
diesel::joinable!(stamp_activations -> stamp_orders (order_id));
diesel::joinable!(stamp_revocations -> stamp_orders (order_id));
diesel::joinable!(stamp_fake_reports -> alerts (alert_id));

diesel::table! {
    credit_assessments (enterprise_id) {
        enterprise_id -> BigInt,
        computed_tier -> Text,
        score -> Integer,
        reasons -> Text,
        assessed_at -> Timestamp,
    }
}

diesel::table! {
    credit_overrides (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        tier -> Text,
        reason -> Text,
        set_by -> Text,
        set_at -> Timestamp,
        expires_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}
