//! The JSON API: the same journey as the pages, for scripts, tests and the helpdesk.
//! Documented with curl examples in `docs/PRACTICE_PORTAL.md`.
//!
//! Every error is `{"error": kind, "message": English, "message_nl": Dutch, …}` with a 4xx
//! status; bodies are read as JSON whatever their content type.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::problem::{Hint, PortalError, Problem};
use crate::store::{Enrollment, PERIOD, user_key};
use crate::time;
use crate::{Policy, Portal};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/api/demo-user", post(demo_user))
        .route("/api/2fa/enable", post(enable))
        .route("/api/2fa/confirm", post(confirm))
        .route("/api/login", post(login))
        .route("/api/helpdesk/reset", post(reset))
        .route("/api/helpdesk/clock", get(clock).post(set_clock))
        .route("/api/helpdesk/policy", get(policy).post(set_policy))
        .route("/api/helpdesk/expected-code", get(expected_code))
        .route("/api/helpdesk/users", get(users))
        .route("/api/inbox", get(inbox))
}

/// An error as a JSON response.
pub fn error_response(status: StatusCode, error: &PortalError) -> Response {
    (status, axum::Json(error.body())).into_response()
}

/// The status of a problem at most endpoints; `/api/login` answers 401 to every refusal.
fn status(problem: Problem, login: bool) -> StatusCode {
    match problem {
        Problem::UnknownUser
        | Problem::WrongPassword
        | Problem::CodeRequired
        | Problem::SetupRequired
        | Problem::NotEnabled
        | Problem::InvalidCode
        | Problem::CodeReused
            if login =>
        {
            StatusCode::UNAUTHORIZED
        }
        Problem::UnknownUser | Problem::UnknownLink | Problem::NotFound => StatusCode::NOT_FOUND,
        Problem::WrongPassword | Problem::SetupRequired => StatusCode::UNAUTHORIZED,
        Problem::AlreadyEnabled | Problem::NotEnabled => StatusCode::CONFLICT,
        Problem::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Problem::BadHost => StatusCode::MISDIRECTED_REQUEST,
        Problem::ExpiredLink
        | Problem::LinkReplaced
        | Problem::LinkUsed
        | Problem::InvalidCode
        | Problem::CodeReused
        | Problem::CodeRequired
        | Problem::MalformedJson
        | Problem::InvalidRequest => StatusCode::BAD_REQUEST,
    }
}

struct ApiError(PortalError, bool);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(status(self.0.problem, self.1), &self.0)
    }
}

fn fail(error: PortalError) -> ApiError {
    ApiError(error, false)
}

/// A JSON body, read whatever the content type, with JSON errors for bad input:
/// `malformed_json` (not JSON) or `invalid_request` (a missing field or a wrong type).
struct ApiJson<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                let error =
                    PortalError::with(Problem::InvalidRequest, Hint::Detail(rejection.body_text()));
                error_response(rejection.status(), &error)
            })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            let problem = if e.is_data() {
                Problem::InvalidRequest
            } else {
                Problem::MalformedJson
            };
            let error = PortalError::with(problem, Hint::Detail(e.to_string()));
            error_response(StatusCode::BAD_REQUEST, &error)
        })
    }
}

/// `http://host:port` as the client addressed us (the host is checked to be local).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

#[derive(Serialize)]
struct EnrollmentView {
    token: String,
    qr_url: String,
    page_url: String,
    expires_at: String,
}

fn enrollment_view(headers: &HeaderMap, enrollment: Enrollment) -> axum::Json<EnrollmentView> {
    let base = base_url(headers);
    axum::Json(EnrollmentView {
        qr_url: format!("{base}/2fa/qr/{}.png", enrollment.token),
        page_url: format!("{base}/2fa/setup/{}", enrollment.token),
        expires_at: time::rfc3339(enrollment.expires_at),
        token: enrollment.token,
    })
}

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

#[derive(Deserialize)]
struct ConfirmRequest {
    token: String,
    code: String,
}

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
    #[serde(default)]
    code: Option<String>,
}

#[derive(Deserialize)]
struct EmailRequest {
    email: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailQuery {
    email: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    #[serde(default)]
    offset_s: Option<i64>,
    #[serde(default)]
    advance_s: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyRequest {
    two_factor: String,
}

fn email_required(email: &str) -> Result<(), ApiError> {
    if email.trim().is_empty() {
        Err(fail(PortalError::with(
            Problem::InvalidRequest,
            Hint::Detail("`email` is required, e.g. ?email=demo@example.nl".into()),
        )))
    } else {
        Ok(())
    }
}

async fn demo_user(State(portal): State<Portal>) -> Response {
    let (email, password) = portal.store().create_demo_user();
    axum::Json(json!({ "email": email, "password": password })).into_response()
}

async fn enable(
    State(portal): State<Portal>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let enrollment = portal
        .store()
        .enable(&request.email, &request.password)
        .map_err(fail)?;
    Ok(enrollment_view(&headers, enrollment).into_response())
}

async fn confirm(
    State(portal): State<Portal>,
    ApiJson(request): ApiJson<ConfirmRequest>,
) -> Result<Response, ApiError> {
    portal
        .store()
        .confirm(request.token.trim(), &request.code)
        .map_err(fail)?;
    Ok(axum::Json(json!({ "ok": true })).into_response())
}

async fn login(
    State(portal): State<Portal>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let two_factor = portal
        .store()
        .login(&request.email, &request.password, request.code.as_deref())
        .map_err(|e| ApiError(e, true))?;
    Ok(axum::Json(json!({ "ok": true, "two_factor": two_factor })).into_response())
}

async fn reset(
    State(portal): State<Portal>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<EmailRequest>,
) -> Result<Response, ApiError> {
    email_required(&request.email)?;
    let enrollment = portal.store().reset(&request.email).map_err(fail)?;
    Ok(enrollment_view(&headers, enrollment).into_response())
}

fn clock_view(portal: &Portal) -> Response {
    let store = portal.store();
    let now = store.now();
    axum::Json(json!({
        "offset_s": store.offset_s(),
        "now": time::rfc3339(now),
        "now_unix": now,
    }))
    .into_response()
}

async fn clock(State(portal): State<Portal>) -> Response {
    clock_view(&portal)
}

async fn set_clock(
    State(portal): State<Portal>,
    ApiJson(request): ApiJson<ClockRequest>,
) -> Result<Response, ApiError> {
    match (request.offset_s, request.advance_s) {
        (Some(offset), None) => portal.store().set_offset(offset).map_err(fail)?,
        (None, Some(seconds)) => portal.store().advance(seconds).map_err(fail)?,
        _ => {
            return Err(fail(PortalError::with(
                Problem::InvalidRequest,
                Hint::Detail(
                    "give exactly one of `offset_s` (set) or `advance_s` (add), in seconds".into(),
                ),
            )));
        }
    }
    Ok(clock_view(&portal))
}

fn policy_view(portal: &Portal) -> Response {
    axum::Json(json!({ "two_factor": portal.store().policy().kind() })).into_response()
}

async fn policy(State(portal): State<Portal>) -> Response {
    policy_view(&portal)
}

async fn set_policy(
    State(portal): State<Portal>,
    ApiJson(request): ApiJson<PolicyRequest>,
) -> Result<Response, ApiError> {
    let policy = Policy::parse(&request.two_factor).ok_or_else(|| {
        fail(PortalError::with(
            Problem::InvalidRequest,
            Hint::Detail(format!(
                "`two_factor` is {:?}: use \"mandatory\" (the BLk portal since 2022) or \"optional\" (before 2022)",
                request.two_factor
            )),
        ))
    })?;
    portal.store().set_policy(policy);
    Ok(policy_view(&portal))
}

async fn expected_code(
    State(portal): State<Portal>,
    Query(query): Query<EmailQuery>,
) -> Result<Response, ApiError> {
    email_required(&query.email)?;
    let expected = portal.store().expected(&query.email).map_err(fail)?;
    Ok(axum::Json(json!({
        "email": expected.email,
        "state": expected.state,
        "code": expected.info.code,
        "remaining_s": expected.info.remaining_s,
        "next_code": expected.info.next_code,
        "step": expected.now / PERIOD,
        "now_unix": expected.now,
    }))
    .into_response())
}

async fn users(State(portal): State<Portal>) -> Response {
    let store = portal.store();
    let users: Vec<_> = store
        .users()
        .map(|user| {
            json!({
                "email": user.email,
                "two_factor": user.two_factor.state(),
                "login": store.login_needs(user).kind(),
                "reset": store.was_reset(user),
                "mails": store.mails_for(&user.email).len(),
            })
        })
        .collect();
    axum::Json(users).into_response()
}

async fn inbox(
    State(portal): State<Portal>,
    headers: HeaderMap,
    Query(query): Query<EmailQuery>,
) -> Result<Response, ApiError> {
    email_required(&query.email)?;
    let store = portal.store();
    store.user(&query.email).map_err(fail)?;
    let base = base_url(&headers);
    let mails: Vec<_> = store
        .mails_for(&query.email)
        .into_iter()
        .map(|mail| {
            json!({
                "id": mail.id,
                "to": store.user(&mail.to).map(|u| u.email.clone()).unwrap_or_else(|_| user_key(&mail.to)),
                "subject": mail.subject,
                "sent_at": time::rfc3339(mail.sent_at),
                "token": mail.token,
                "page_url": format!("{base}/2fa/setup/{}", mail.token),
                "mail_url": format!("{base}/inbox/{}", mail.id),
            })
        })
        .collect();
    Ok(axum::Json(mails).into_response())
}
