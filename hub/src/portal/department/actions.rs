//! The review actions, posted from an enterprise's dashboard or the review queue: decisions on the
//! enterprise (approve, reject, suspend, revoke, reinstate), the credit tier, and decisions on
//! proposed changes. Each goes through the operation the API uses (`ops::enterprises`); a refusal
//! is shown on the dashboard next to the form it came from.

use actix_web::web;
use registry::enterprises::Decision;
use registry::error::Code;

use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::ops::enterprises::TierChange;
use crate::portal::enterprise::Tab;
use crate::portal::enterprise::overview::{self, decision_name};
use crate::portal::frame::{Ctx, Flash, FormData, Page};
use crate::portal::login::safe_next;

/// Where to go after the action: the form's `back` (a portal path) or the dashboard.
fn back(data: &FormData, id: i64) -> String {
    match data.optional("back") {
        Some(back) if safe_next(Some(&back)) == back => back,
        _ => Tab::Overview.path(id),
    }
}

/// `POST /portal/enterprises/{id}/decision`: `decision` and, when it needs one, `reason`.
pub async fn decide(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let decision = data.choice::<Decision>("decision");
    let form = decision.as_ref().map_or("decision", |d| decision_name(*d));
    let decided = match decision {
        Ok(decision) => {
            let reason = data.optional("reason");
            ctx.act(&actor, move |core, caller| {
                ops::enterprises::decide(core, caller, id, decision, reason.as_deref())
            })
            .await
            .map(|_| decision)
        }
        Err(error) => Err(error),
    };
    match decided {
        Ok(decision) => {
            let flash = match decision {
                Decision::Approve => "flash-decision-approve",
                Decision::Reject => "flash-decision-reject",
                Decision::Suspend => "flash-decision-suspend",
                Decision::Revoke => "flash-decision-revoke",
                Decision::Reinstate => "flash-decision-reinstate",
            };
            Ok(ctx.redirect(&back(&data, id), Flash::success(flash)))
        }
        Err(error) => overview::refused(ctx, &actor, id, form, data, error).await,
    }
}

/// `POST /portal/enterprises/{id}/credit-tier`: `credit_tier`, `reason` and `expires_on`.
pub async fn credit_tier(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let set = match (data.choice("credit_tier"), data.number("expires_on")) {
        (Ok(credit_tier), Ok(expires_on)) => {
            let change = TierChange {
                credit_tier,
                reason: data.text("reason"),
                expires_on,
            };
            ctx.act(&actor, move |core, caller| {
                ops::enterprises::set_credit_tier(core, caller, id, &change)
            })
            .await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match set {
        Ok(_) => Ok(ctx.redirect(&back(&data, id), Flash::success("flash-credit-tier-set"))),
        Err(error) => overview::refused(ctx, &actor, id, "credit-tier", data, error).await,
    }
}

/// `POST /portal/enterprises/{id}/changes/{change_id}/decision`: `decision` (`approve` or
/// `reject`) and `reason`.
pub async fn decide_change(
    ctx: Ctx,
    Auth(actor): Auth,
    path: web::Path<(i64, i64)>,
    data: FormData,
) -> Page {
    let (id, change_id) = path.into_inner();
    let approve = match data.text("decision").as_str() {
        "approve" => Ok(true),
        "reject" => Ok(false),
        _ => Err(ApiError::from(registry::RegistryError::invalid(
            Code::InvalidChoice,
            "decision",
            "must be approve or reject",
        ))),
    };
    let form = match approve {
        Ok(true) => format!("change-{change_id}-approve"),
        _ => format!("change-{change_id}-reject"),
    };
    let decided = match approve {
        Ok(approve) => {
            let reason = data.optional("reason");
            ctx.act(&actor, move |core, caller| {
                ops::enterprises::decide_change(
                    core,
                    caller,
                    (id, change_id),
                    approve,
                    reason.as_deref(),
                )
            })
            .await
            .map(|_| approve)
        }
        Err(error) => Err(error),
    };
    match decided {
        Ok(approved) => {
            let flash = if approved {
                "flash-change-approved"
            } else {
                "flash-change-rejected"
            };
            Ok(ctx.redirect(&back(&data, id), Flash::success(flash)))
        }
        Err(error) => overview::refused(ctx, &actor, id, &form, data, error).await,
    }
}
