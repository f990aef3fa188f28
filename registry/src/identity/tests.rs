//! Identity on the backend the test environment selects.

use chrono::Duration;
use diesel::prelude::*;

use super::*;
use crate::RegistryError;
use crate::error::Code;
use crate::schema::{api_tokens, departments, sessions};
use crate::testing::TestDb;
use crate::testing::now;

fn department(test: &TestDb) -> i64 {
    diesel::insert_into(departments::table)
        .values((
            departments::code.eq("AGRI-HN"),
            departments::name.eq("河南省农业农村厅"),
            departments::region_code.eq("410000"),
            departments::created_at.eq(now()),
        ))
        .returning(departments::id)
        .get_result(&mut *test.db().conn().unwrap())
        .unwrap()
}

fn new_user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: username.into(),
        email: None,
        password: Some("a long enough password".into()),
        role,
        department_id: None,
        enterprise_id: None,
        locale: None,
        category: None,
    }
}

#[test]
fn users_are_created_with_valid_bindings_only() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let dept = department(&test);
    let admin = create_user(&mut conn, now(), &new_user("root", Role::Admin)).unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(admin.has_password);

    let field_of = |r: crate::Result<User>| match r {
        Err(RegistryError::Invalid { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    };
    assert_eq!(
        field_of(create_user(
            &mut conn,
            now(),
            &new_user("officer1", Role::Officer)
        )),
        "department_id"
    );
    let mut officer = new_user("officer1", Role::Officer);
    officer.department_id = Some(dept + 100);
    assert_eq!(
        field_of(create_user(&mut conn, now(), &officer)),
        "department_id"
    );
    officer.department_id = Some(dept);
    assert_eq!(
        create_user(&mut conn, now(), &officer)
            .unwrap()
            .department_id,
        Some(dept)
    );
    assert_eq!(
        field_of(create_user(
            &mut conn,
            now(),
            &new_user("ent", Role::Enterprise)
        )),
        "enterprise_id"
    );
    let mut inspector = new_user("insp", Role::Inspector);
    inspector.enterprise_id = Some(1);
    assert_eq!(
        field_of(create_user(&mut conn, now(), &inspector)),
        "enterprise_id"
    );
    assert_eq!(
        field_of(create_user(
            &mut conn,
            now(),
            &new_user("Bad Name", Role::Admin)
        )),
        "username"
    );
    let mut weak = new_user("weak", Role::Admin);
    weak.password = Some("short".into());
    assert_eq!(field_of(create_user(&mut conn, now(), &weak)), "password");

    match create_user(&mut conn, now(), &new_user("root", Role::Ministry)) {
        Err(RegistryError::Conflict {
            code: Code::UsernameTaken,
            ..
        }) => {}
        other => panic!("expected username_taken, got {other:?}"),
    }
}

#[test]
fn password_sign_in_says_nothing_about_which_part_was_wrong() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let user = create_user(&mut conn, now(), &new_user("alice", Role::Admin)).unwrap();
    assert_eq!(
        authenticate(&mut conn, "alice", "a long enough password")
            .unwrap()
            .id,
        user.id
    );
    let wrong = authenticate(&mut conn, "alice", "a long enough passworD")
        .unwrap_err()
        .to_string();
    let unknown = authenticate(&mut conn, "bob", "a long enough password")
        .unwrap_err()
        .to_string();
    assert_eq!(wrong, unknown);
    set_user_active(&mut conn, now(), user.id, false).unwrap();
    assert!(authenticate(&mut conn, "alice", "a long enough password").is_err());
}

#[test]
fn tokens_are_stored_hashed_and_refused_when_expired_or_revoked() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let user = create_user(&mut conn, now(), &new_user("agri-adapter", Role::System)).unwrap();
    let (token, secret) = create_token(
        &mut conn,
        now(),
        &user,
        &NewToken {
            name: "agri".into(),
            scopes: vec![Scope::Read],
            expires_at: None,
        },
    )
    .unwrap();
    assert!(secret.starts_with(TOKEN_PREFIX));
    let stored: Vec<String> = api_tokens::table
        .select(api_tokens::token_hash)
        .load(&mut *conn)
        .unwrap();
    assert!(
        !stored.iter().any(|h| h.contains(&secret[4..20])),
        "the secret itself is not stored"
    );

    let actor = token_user(&mut conn, now(), &secret).unwrap().unwrap();
    assert_eq!(actor.user_id, user.id);
    assert!(actor.has_scope(Scope::Read) && !actor.has_scope(Scope::Write));
    assert_eq!(
        token_user(&mut conn, now(), "thk_0000")
            .unwrap()
            .unwrap_err(),
        TokenRefusal::Unknown
    );
    assert_eq!(
        token_user(&mut conn, now(), "nonsense")
            .unwrap()
            .unwrap_err(),
        TokenRefusal::Unknown
    );

    revoke_token(&mut conn, now(), token.id, Some(user.id)).unwrap();
    assert_eq!(
        token_user(&mut conn, now(), &secret).unwrap().unwrap_err(),
        TokenRefusal::Revoked
    );
    assert!(matches!(
        revoke_token(&mut conn, now(), token.id, Some(user.id + 1)),
        Err(RegistryError::NotFound { .. })
    ));

    let soon = now() + Duration::seconds(60);
    let (expiring, secret) = create_token(
        &mut conn,
        now(),
        &user,
        &NewToken {
            name: "short".into(),
            scopes: vec![Scope::Write],
            expires_at: Some(soon),
        },
    )
    .unwrap();
    assert!(token_user(&mut conn, now(), &secret).unwrap().is_ok());
    diesel::update(api_tokens::table.find(expiring.id))
        .set(api_tokens::expires_at.eq(now() - Duration::seconds(1)))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(
        token_user(&mut conn, now(), &secret).unwrap().unwrap_err(),
        TokenRefusal::Expired
    );
    let past = NewToken {
        name: "past".into(),
        scopes: vec![Scope::Read],
        expires_at: Some(now()),
    };
    assert!(create_token(&mut conn, now(), &user, &past).is_err());
    let none = NewToken {
        name: "none".into(),
        scopes: vec![],
        expires_at: None,
    };
    assert!(create_token(&mut conn, now(), &user, &none).is_err());
}

#[test]
fn sessions_end_at_expiry_logout_and_deactivation() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let user = create_user(&mut conn, now(), &new_user("carol", Role::Inspector)).unwrap();
    let session = create_session(&mut conn, now(), &user, Duration::hours(1)).unwrap();
    assert_eq!(
        session_user(&mut conn, now(), &session.cookie_value)
            .unwrap()
            .unwrap()
            .user_id,
        user.id
    );
    delete_session(&mut conn, &session.cookie_value).unwrap();
    assert!(
        session_user(&mut conn, now(), &session.cookie_value)
            .unwrap()
            .is_none()
    );

    let session = create_session(&mut conn, now(), &user, Duration::hours(1)).unwrap();
    diesel::update(sessions::table)
        .set(sessions::expires_at.eq(now() - Duration::seconds(1)))
        .execute(&mut *conn)
        .unwrap();
    assert!(
        session_user(&mut conn, now(), &session.cookie_value)
            .unwrap()
            .is_none()
    );

    let session = create_session(&mut conn, now(), &user, Duration::hours(1)).unwrap();
    set_user_active(&mut conn, now(), user.id, false).unwrap();
    assert!(
        session_user(&mut conn, now(), &session.cookie_value)
            .unwrap()
            .is_none()
    );
}

#[test]
fn repeated_login_failures_are_limited_per_user_and_per_client() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let policy = LoginPolicy {
        max_failures: 3,
        window: Duration::minutes(15),
    };
    for _ in 0..3 {
        check_login_allowed(&mut conn, now(), &policy, "dave", "client-a").unwrap();
        record_login_attempt(&mut conn, now(), "dave", "client-a", false).unwrap();
    }
    assert!(matches!(
        check_login_allowed(&mut conn, now(), &policy, "dave", "client-b"),
        Err(RegistryError::RateLimited { .. })
    ));
    check_login_allowed(&mut conn, now(), &policy, "erin", "client-b").unwrap();
    for i in 0..12 {
        record_login_attempt(&mut conn, now(), &format!("u{i}"), "client-c", false).unwrap();
    }
    assert!(check_login_allowed(&mut conn, now(), &policy, "frank", "client-c").is_err());
}
