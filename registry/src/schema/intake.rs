//! The tables of the regulator adapters' intake (`registry::intake`).

use super::users;

diesel::table! {
    intake_deliveries (id) {
        id -> BigInt,
        adapter -> Text,
        sender_user_id -> BigInt,
        file_name -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        received_at -> Timestamp,
        outcome -> Text,
        records -> BigInt,
        written -> BigInt,
        refused -> BigInt,
        alerts -> BigInt,
        receipt -> Text,
        signature -> Text,
        key_id -> Text,
    }
}

diesel::table! {
    drug_products (drug_id) {
        drug_id -> Text,
        gtin -> Text,
        name -> Text,
        approval_number -> Text,
        delivery_id -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    drug_codes (epc) {
        epc -> Text,
        batch -> Text,
        expiry -> Date,
        site_gln -> Text,
        commissioned_at -> Timestamp,
        ended -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        ended_gln -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(intake_deliveries, drug_products, drug_codes);
diesel::allow_tables_to_appear_in_same_query!(intake_deliveries, users);
