//! The `/time` reply: the hand-written body and full response against `serde_json` of the
//! same value, a browser-like request parsed and answered by the raw path, and the routed
//! request through the axum router.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use timeserver::{AppState, ManualClock, Transport, app, fast};
use timesync::TransportUpdate;
use tower::ServiceExt;

fn time_route(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let state = AppState::new(
        Arc::new(ManualClock::new(1_704_067_200_000)),
        Transport::default(),
    );
    let update: TransportUpdate =
        serde_json::from_str(r#"{"eventStart":1704067100000,"message":"Welcome"}"#).unwrap();
    rt.block_on(state.apply(&update)).unwrap();

    c.bench_function("time_body (itoa, pre-escaped)", |b| {
        b.iter(|| black_box(state.time_body()))
    });
    c.bench_function("time_body (serde_json)", |b| {
        b.iter(|| black_box(serde_json::to_vec(&state.snapshot()).unwrap()))
    });
    c.bench_function("time_response (fast path)", |b| {
        b.iter(|| black_box(state.time_response()))
    });
    let request = b"GET /time HTTP/1.1\r\nHost: time.example\r\nUser-Agent: Mozilla/5.0\r\n\
Accept: */*\r\nOrigin: https://event.example\r\nConnection: keep-alive\r\n\r\n";
    let (mut out, mut scratch) = (Vec::with_capacity(512), Vec::with_capacity(128));
    let mut source = state.time_source();
    c.bench_function("GET /time parsed and answered (raw path)", |b| {
        b.iter(|| {
            out.clear();
            black_box(fast::answer(
                &mut source,
                black_box(request),
                &mut out,
                &mut scratch,
            ));
        })
    });
    let router = app(state.clone());
    c.bench_function("GET /time through the router", |b| {
        b.iter(|| {
            let req = axum::http::Request::get("/time")
                .body(axum::body::Body::empty())
                .unwrap();
            black_box(rt.block_on(router.clone().oneshot(req)).unwrap())
        })
    });
}

criterion_group!(benches, time_route);
criterion_main!(benches);
