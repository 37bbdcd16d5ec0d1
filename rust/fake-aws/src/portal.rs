//! SSO portal (restJson1): GetRoleCredentials, ListAccounts, ListAccountRoles, Logout.
//! Every call carries the access token in `x-amz-sso_bearer_token`.

use crate::http::{self, Req, Resp, Service};
use crate::store::{Inner, SessionSelector};
use crate::util;
use serde_json::{json, Value};

const P: Service = Service::Portal;

fn unauthorized() -> Resp {
    http::error(P, 401, "UnauthorizedException", "Session token not found or invalid")
}

/// The session behind the request's bearer token, or the 401 answer.
fn session(inner: &Inner, req: &Req) -> Result<u64, Resp> {
    let tok = req.header("x-amz-sso_bearer_token").ok_or_else(unauthorized)?;
    inner.store.session_of_access_token(tok).ok_or_else(unauthorized)
}

pub fn get_role_credentials(inner: &mut Inner, req: &Req) -> Resp {
    let (role, account) = match (req.q("role_name"), req.q("account_id")) {
        (Some(r), Some(a)) if !r.is_empty() && !a.is_empty() => (r.to_string(), a.to_string()),
        _ => return http::error(P, 400, "InvalidRequestException", "role_name and account_id are required"),
    };
    if let Err(r) = session(inner, req) {
        return r;
    }
    let assigned = inner.state.account(&account).map(|a| a.roles.contains(&role)).unwrap_or(false);
    if !assigned {
        return http::error(P, 403, "ForbiddenException", "No access");
    }
    let ttl = inner.state.role_credentials_ttl_secs;
    let k = inner.store.issue_role_key(&account, &role, None, ttl);
    http::json(
        P,
        200,
        &json!({"roleCredentials": {
            "accessKeyId": k.access_key_id,
            "secretAccessKey": k.secret_access_key,
            "sessionToken": k.session_token,
            "expiration": k.expires_at_ms,
        }}),
    )
}

/// `(page size, start index)` from `max_result` / `next_token`, or the 400 answer.
fn paging(inner: &Inner, req: &Req, kind: &str) -> Result<(usize, usize), Resp> {
    let size = match req.q("max_result") {
        None => inner.state.portal_page_size.max(1),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => return Err(http::error(P, 400, "InvalidRequestException", "max_result must be between 1 and 100")),
        },
    };
    let start = match req.q("next_token").filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => match util::parse_page_token(kind, t).and_then(|s| s.parse().ok()) {
            Some(i) => i,
            None => return Err(http::error(P, 400, "InvalidRequestException", "Invalid next token")),
        },
    };
    Ok((size, start))
}

fn page(items: Vec<Value>, size: usize, start: usize, kind: &str, list_key: &str) -> Resp {
    let end = (start + size).min(items.len());
    let slice: Vec<Value> = items.get(start.min(items.len())..end).unwrap_or_default().to_vec();
    let mut body = json!({ list_key: slice });
    if end < items.len() {
        body["nextToken"] = json!(util::page_token(kind, &end.to_string()));
    }
    http::json(P, 200, &body)
}

pub fn list_accounts(inner: &mut Inner, req: &Req) -> Resp {
    if let Err(r) = session(inner, req) {
        return r;
    }
    let (size, start) = match paging(inner, req, "sso-accounts") {
        Ok(p) => p,
        Err(r) => return r,
    };
    let items = inner
        .state
        .accounts
        .iter()
        .map(|a| json!({"accountId": a.account_id, "accountName": a.account_name, "emailAddress": a.email_address}))
        .collect();
    page(items, size, start, "sso-accounts", "accountList")
}

pub fn list_account_roles(inner: &mut Inner, req: &Req) -> Resp {
    let account = match req.q("account_id") {
        Some(a) if !a.is_empty() => a.to_string(),
        _ => return http::error(P, 400, "InvalidRequestException", "account_id is required"),
    };
    if let Err(r) = session(inner, req) {
        return r;
    }
    let kind = format!("sso-roles-{account}");
    let (size, start) = match paging(inner, req, &kind) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let items = inner
        .state
        .account(&account)
        .map(|a| a.roles.iter().map(|r| json!({"roleName": r, "accountId": account})).collect())
        .unwrap_or_default();
    page(items, size, start, &kind, "roleList")
}

/// Ends the portal session of the token (its access and refresh tokens stop working).
pub fn logout(inner: &mut Inner, req: &Req) -> Resp {
    if let Err(r) = session(inner, req) {
        return r;
    }
    let tok = req.header("x-amz-sso_bearer_token").unwrap_or_default().to_string();
    inner.store.revoke(&SessionSelector { access_token: Some(tok.clone()), ..Default::default() });
    if let Some(t) = inner.store.access_tokens.get_mut(&tok) {
        t.invalid = true;
    }
    http::empty(P, 200)
}
