//! In-process tests of the router with an injected clock (`tower::ServiceExt::oneshot`).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use timeserver::{AppState, ManualClock, Transport, app};
use tower::ServiceExt;

const TOKEN: &str = "s3cret-token";

fn state(clock: &Arc<ManualClock>) -> AppState {
    AppState::new(clock.clone(), Transport::default()).with_admin_token(TOKEN)
}

async fn send(state: &AppState, req: Request<Body>) -> (StatusCode, header::HeaderMap, String) {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn admin(body: &str) -> Request<Body> {
    Request::post("/admin/transport")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn error_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["error"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn time_has_the_protocol_body_and_headers() {
    let clock = Arc::new(ManualClock::new(1_704_067_200_000));
    let (status, headers, body) = send(&state(&clock), get("/time")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        r#"{"serverTime":1704067200000,"status":"running","message":null}"#
    );
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn head_and_options_work() {
    let clock = Arc::new(ManualClock::new(5));
    let s = state(&clock);
    let head = Request::head("/time").body(Body::empty()).unwrap();
    let (status, headers, body) = send(&s, head).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty());
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let opt = Request::options("/time").body(Body::empty()).unwrap();
    let (status, headers, _) = send(&s, opt).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(
        headers[header::ACCESS_CONTROL_ALLOW_METHODS]
            .to_str()
            .unwrap()
            .contains("GET")
    );
}

#[tokio::test]
async fn healthz_answers() {
    let clock = Arc::new(ManualClock::new(0));
    let (status, _, body) = send(&state(&clock), get("/healthz")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok\n"));
}

#[tokio::test]
async fn pause_and_resume_move_the_start_and_keep_the_position() {
    let clock = Arc::new(ManualClock::new(100_000));
    let s = state(&clock);
    let (status, _, body) = send(&s, admin(r#"{"eventStart":90000}"#)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, _, body) = send(&s, get("/time")).await;
    assert_eq!(
        body,
        r#"{"serverTime":100000,"status":"running","message":null,"eventStart":90000,"position":10000}"#
    );
    send(
        &s,
        admin(r#"{"status":"paused","message":"Back soon \"!\""}"#),
    )
    .await;
    clock.advance(30_000);
    let (_, _, body) = send(&s, get("/time")).await;
    assert_eq!(
        body,
        r#"{"serverTime":130000,"status":"paused","message":"Back soon \"!\"","eventStart":90000,"position":10000}"#
    );
    let (_, _, reply) = send(&s, admin(r#"{"status":"running","message":null}"#)).await;
    let (_, _, body) = send(&s, get("/time")).await;
    assert_eq!(body, reply, "the admin reply is what /time says next");
    assert_eq!(
        body,
        r#"{"serverTime":130000,"status":"running","message":null,"eventStart":120000,"position":10000}"#
    );
}

#[tokio::test]
async fn missing_or_wrong_token_is_401() {
    let clock = Arc::new(ManualClock::new(0));
    let s = state(&clock);
    let no_auth = Request::post("/admin/transport")
        .body(Body::from(r#"{"status":"paused"}"#))
        .unwrap();
    let (status, headers, body) = send(&s, no_auth).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    assert!(error_of(&body).contains("missing"));
    let wrong = Request::post("/admin/transport")
        .header(header::AUTHORIZATION, "Bearer s3cret-tokeN")
        .body(Body::from(r#"{"status":"paused"}"#))
        .unwrap();
    let (status, _, body) = send(&s, wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(&body), "wrong admin token");
    assert_eq!(s.transport(), Transport::default(), "nothing changed");
}

#[tokio::test]
async fn malformed_unknown_and_empty_bodies_are_400_with_reasons() {
    let clock = Arc::new(ManualClock::new(0));
    let s = state(&clock);
    for (body, expect) in [
        ("{\"status\":", "EOF"),
        (r#"{"stat":"paused"}"#, "unknown field `stat`"),
        (r#"{"status":"stopped"}"#, "unknown variant `stopped`"),
        (r#"{"eventStart":"soon"}"#, "invalid type"),
        (r#"[1,2]"#, "line 1 column"),
        ("{}", "the update is empty"),
        (r#"{"eventStart":9999999999999999}"#, "out of range"),
    ] {
        let (status, headers, reply) = send(&s, admin(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        let err = error_of(&reply);
        assert!(err.contains(expect), "{body}: {err}");
    }
    assert_eq!(s.transport(), Transport::default());
}

#[tokio::test]
async fn body_over_64_kib_is_413_declared_or_streamed() {
    let clock = Arc::new(ManualClock::new(0));
    let s = state(&clock);
    let big = format!(r#"{{"message":"{}"}}"#, "x".repeat(70 * 1024));
    let (status, _, reply) = send(&s, admin(&big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(error_of(&reply).contains("larger than 65536"));
    // No Content-Length: the limit is enforced while reading.
    let chunks = futures_chunks(big);
    let streamed = Request::post("/admin/transport")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(chunks)
        .unwrap();
    let (status, _, _) = send(&s, streamed).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // Just under the limit is fine.
    let ok = format!(r#"{{"message":"{}"}}"#, "x".repeat(60 * 1024));
    let (status, _, _) = send(&s, admin(&ok)).await;
    assert_eq!(status, StatusCode::OK);
}

fn futures_chunks(s: String) -> Body {
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = s
        .into_bytes()
        .chunks(4096)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(tokio_stream_iter(chunks))
}

fn tokio_stream_iter<T>(items: Vec<T>) -> impl futures_core::Stream<Item = T> {
    struct Iter<T>(std::vec::IntoIter<T>);
    impl<T> futures_core::Stream for Iter<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    impl<T> Unpin for Iter<T> {}
    Iter(items.into_iter())
}

#[tokio::test]
async fn without_a_token_the_admin_route_does_not_exist() {
    let clock = Arc::new(ManualClock::new(0));
    let s = AppState::new(clock, Transport::default());
    let (status, _, _) = send(&s, admin(r#"{"status":"paused"}"#)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn state_file_failure_is_500_and_changes_nothing() {
    let clock = Arc::new(ManualClock::new(0));
    let dir = tempfile::tempdir().unwrap();
    let s = state(&clock).with_state_file(&dir.path().join("missing/dir/state.json"));
    let (status, _, body) = send(&s, admin(r#"{"status":"paused"}"#)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(error_of(&body).contains("not applied"));
    assert_eq!(s.transport(), Transport::default());
}

#[tokio::test]
async fn static_files_get_cache_headers_and_cannot_escape() {
    let clock = Arc::new(ManualClock::new(0));
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("site");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(root.path().join("secret.txt"), "no").unwrap();
    std::fs::write(dir.join("cues.3f9a1c2b.json"), "[]").unwrap();
    std::fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
    let s = state(&clock).with_serve_dir(&dir);
    let (status, headers, body) = send(&s, get("/cues.3f9a1c2b.json")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "[]"));
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let (status, headers, _) = send(&s, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    for escape in ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"] {
        let (status, _, body) = send(&s, get(escape)).await;
        assert_ne!(body, "no", "{escape} escaped the folder");
        assert_ne!(status, StatusCode::OK, "{escape}");
    }
    let (_, _, body) = send(&s, get("/time")).await;
    assert!(body.starts_with(r#"{"serverTime":0"#), "/time still wins");
}
