//! The tables of recall cases (`registry::recalls`).

diesel::table! {
    recall_cases (id) {
        id -> BigInt,
        department_id -> BigInt,
        status -> Text,
        hazard_class -> Text,
        category -> Text,
        title -> Text,
        reason -> Text,
        consumer_tip -> Text,
        return_to -> Text,
        requested_by -> Nullable<Text>,
        requesting_enterprise_id -> Nullable<BigInt>,
        opened_by -> Nullable<Text>,
        opened_at -> Nullable<Timestamp>,
        deadline_at -> Nullable<Timestamp>,
        scope_version -> Integer,
        scoped_at -> Nullable<Timestamp>,
        scope_truncated -> Bool,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        effectiveness -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recall_case_lots (case_id, lot_id) {
        case_id -> BigInt,
        lot_id -> Text,
        gtin -> Text,
        lot -> Text,
        product -> Text,
        producer_id -> Nullable<BigInt>,
        requested -> Bool,
        added_version -> Integer,
    }
}

diesel::table! {
    recall_places (case_id, identifier) {
        case_id -> BigInt,
        identifier -> Text,
        name -> Text,
        enterprise_id -> Nullable<BigInt>,
        region -> Text,
        country -> Text,
        items -> BigInt,
        quantity -> Double,
        uom -> Text,
        retail -> Bool,
        added_version -> Integer,
    }
}

diesel::table! {
    recall_parties (id) {
        id -> BigInt,
        case_id -> BigInt,
        enterprise_id -> BigInt,
        region_code -> Text,
        country -> Text,
        items -> BigInt,
        quantity -> Double,
        uom -> Text,
        added_version -> Integer,
        notified_at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<Text>,
        reminders -> Integer,
        last_reminded_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recall_disposals (id) {
        id -> BigInt,
        case_id -> BigInt,
        party_id -> BigInt,
        lot_id -> Text,
        held -> Double,
        returned -> Double,
        destroyed -> Double,
        sold -> Double,
        uom -> Text,
        note -> Text,
        documents -> Text,
        reported_by -> Text,
        reported_at -> Timestamp,
    }
}

diesel::table! {
    recall_complaints (id) {
        id -> BigInt,
        gtin -> Text,
        lot -> Text,
        serial -> Text,
        description -> Text,
        contact -> Text,
        photo_sha256 -> Nullable<Text>,
        photo_storage -> Nullable<Text>,
        client_hash -> Text,
        case_id -> Nullable<BigInt>,
        alert_id -> Nullable<BigInt>,
        reported_at -> Timestamp,
    }
}
