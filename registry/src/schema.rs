//! The tables, as diesel sees them: one portable description for both backends. A test in
//! `db` loads every column of every table on both databases, so this cannot drift from the
//! migrations unnoticed.

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
    capture_jobs (id) {
        id -> BigInt,
        created_at -> Timestamp,
        created_by -> Nullable<BigInt>,
        enterprise_id -> Nullable<BigInt>,
        format -> Text,
        status -> Text,
        event_count -> BigInt,
        stored_count -> BigInt,
        duplicate_count -> BigInt,
        error -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    epcis_events (id) {
        id -> BigInt,
        event_id -> Nullable<Text>,
        event_hash -> Text,
        declares_error -> Bool,
        event_type -> Text,
        event_time -> Timestamp,
        event_tz_offset -> Text,
        record_time -> Timestamp,
        action -> Nullable<Text>,
        biz_step -> Nullable<Text>,
        disposition -> Nullable<Text>,
        read_point -> Nullable<Text>,
        biz_location -> Nullable<Text>,
        company_prefix -> Text,
        capture_job_id -> BigInt,
        body -> Text,
    }
}

diesel::table! {
    epcis_event_ids (event_row_id, role, identifier) {
        event_row_id -> BigInt,
        role -> Text,
        identifier -> Text,
    }
}

diesel::table! {
    lineage_edges (id) {
        id -> BigInt,
        from_id -> Text,
        to_id -> Text,
        kind -> Text,
        event_row_id -> BigInt,
        valid_from -> Timestamp,
        valid_to -> Nullable<Timestamp>,
        company_prefix -> Text,
    }
}

diesel::joinable!(users -> departments (department_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(epcis_events -> capture_jobs (capture_job_id));
diesel::joinable!(epcis_event_ids -> epcis_events (event_row_id));
diesel::joinable!(lineage_edges -> epcis_events (event_row_id));

diesel::allow_tables_to_appear_in_same_query!(
    departments,
    users,
    api_tokens,
    sessions,
    login_attempts,
    audit_log,
    audit_head,
    capture_jobs,
    epcis_events,
    epcis_event_ids,
    lineage_edges,
);
