//! `cuestudio publish` as a release pipeline runs it, and the bundle served by
//! `cuestudio-timeserver --serve`: names, hashes, integrity, twins, immutability, headers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Output;

use base64::Engine as _;
use sha2::{Digest, Sha256};

mod support;

use support::{cuestudio, sample, text};

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn publish(dir: &Path, extra: &[&str]) -> Output {
    let show = sample();
    let mut args = vec![
        "publish",
        show.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(extra);
    cuestudio(&args)
}

#[test]
fn publish_writes_a_hashed_bundle_with_manifest_page_and_twins() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dist");
    let out = publish(&dir, &["--time-server", "http://127.0.0.1:9/time"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = manifest(&dir);
    assert_eq!(m["format"], 1);
    assert_eq!(m["timeServer"], "http://127.0.0.1:9/time");
    assert_eq!(m["statusPollMs"], 5000);
    assert_eq!(m["title"], "星空ライブ 2026 — Hoshizora Live");
    assert!(m["eventStartMs"].is_i64(), "{m}");

    // The cue sheet: named by its hash, integrity that matches, twins that decompress to it,
    // and the same cues as `export` (which resolves the same catalog).
    let path = m["cues"]["path"].as_str().unwrap();
    assert_eq!(path, report["cues"]);
    let bytes = std::fs::read(dir.join(path)).unwrap();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(path, format!("cues.{}.json", &hex[..16]));
    assert_eq!(
        m["cues"]["integrity"],
        format!(
            "sha256-{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    );
    let export = cuestudio(&["export", sample().to_str().unwrap()]);
    assert_eq!(bytes, export.stdout, "publish and export agree");
    let sheet: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(m["cues"]["count"], sheet.as_array().unwrap().len());
    for cue in sheet.as_array().unwrap() {
        assert!(
            cue["tolerance"].is_i64() && cue["duration"].is_i64(),
            "{cue}"
        );
    }
    let mut gz = Vec::new();
    flate2::read::GzDecoder::new(&std::fs::read(dir.join(format!("{path}.gz"))).unwrap()[..])
        .read_to_end(&mut gz)
        .unwrap();
    assert_eq!(gz, bytes);
    let mut br = Vec::new();
    brotli::BrotliDecompress(
        &mut &std::fs::read(dir.join(format!("{path}.br"))).unwrap()[..],
        &mut br,
    )
    .unwrap();
    assert_eq!(br, bytes);

    // The media under its hash, the runtime in a hashed folder, the page naming the runtime.
    let media = m["media"]["path"].as_str().unwrap();
    assert!(
        media.starts_with("hoshizora.") && media.ends_with(".ogg"),
        "{media}"
    );
    assert_eq!(m["media"]["type"], "audio/ogg");
    assert_eq!(
        std::fs::read(dir.join(media)).unwrap(),
        std::fs::read(sample().with_file_name("hoshizora.ogg")).unwrap()
    );
    let runtime = m["runtime"]["path"].as_str().unwrap();
    assert!(runtime.starts_with("runtime.") && runtime.ends_with("/cuestudio.js"));
    assert!(dir.join(runtime).is_file());
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.contains(&format!("\"{runtime}\"")), "{page}");
    assert!(!page.contains("{{"), "a placeholder was left: {page}");
    // The runtime's modules are preloaded in parallel.
    assert!(
        page.contains(&format!(
            "<link rel=\"modulepreload\" href=\"{}\">",
            runtime.replace("cuestudio.js", "clock.js")
        )),
        "{page}"
    );
    assert!(page.contains("<title>星空ライブ 2026 — Hoshizora Live</title>"));
    // The manifest's catalog is the show's effective one.
    assert_eq!(m["catalog"]["fireworks"]["kind"], "burst");

    // Publishing again writes only the mutable files.
    let again = publish(&dir, &["--time-server", "http://127.0.0.1:9/time"]);
    assert_eq!(again.status.code(), Some(0));
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        again["written"],
        serde_json::json!(["manifest.json", "index.html"])
    );

    // A hashed name never gets other bytes: a tampered file stops the publish (exit 2)
    // and stays as it is.
    std::fs::write(dir.join(path), b"[]\n").unwrap();
    let clash = publish(&dir, &["--time-server", "http://127.0.0.1:9/time"]);
    assert_eq!(clash.status.code(), Some(2));
    assert!(
        text(&clash.stderr).contains(path),
        "{}",
        text(&clash.stderr)
    );
    assert_eq!(std::fs::read(dir.join(path)).unwrap(), b"[]\n");
}

#[test]
fn publish_needs_a_time_server_and_a_valid_show() {
    let tmp = tempfile::tempdir().unwrap();
    let show = tmp.path().join("s.cueshow.json");
    std::fs::write(&show, r#"{"cuestudio": 1, "cues": []}"#).unwrap();
    let out = cuestudio(&[
        "publish",
        show.to_str().unwrap(),
        "-o",
        tmp.path().join("d").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--time-server"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(
        &show,
        r#"{"cuestudio": 1, "cues": [{"time": -1, "action": "x"}]}"#,
    )
    .unwrap();
    let out = cuestudio(&[
        "publish",
        show.to_str().unwrap(),
        "-o",
        tmp.path().join("d").to_str().unwrap(),
        "--time-server",
        "http://127.0.0.1:9/time",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cues[0].time"),
        "{}",
        text(&out.stderr)
    );
    assert!(!tmp.path().join("d").join("manifest.json").exists());
}

/// One HTTP/1.1 GET; the status line and headers (lower-cased names) and the body.
fn get(addr: SocketAddr, path: &str, headers: &str) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    let split = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = text(&reply[..split]).to_ascii_lowercase();
    (head, reply[split + 4..].to_vec())
}

#[test]
fn the_time_server_serves_a_bundle_with_cache_headers_and_twins() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dist");
    assert_eq!(
        publish(&dir, &["--time-server", "http://127.0.0.1:9/time"])
            .status
            .code(),
        Some(0)
    );
    let m = manifest(&dir);
    let server = timeserver::spawn_background(timeserver::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        serve_dir: Some(dir.clone()),
        ..Default::default()
    })
    .unwrap();
    let (head, body) = get(server.addr, "/", "");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("cache-control: no-cache"), "{head}");
    assert!(text(&body).contains("cuestudio.js"));
    let (head, _) = get(server.addr, "/manifest.json", "");
    assert!(head.contains("cache-control: no-cache"), "{head}");
    let cues = format!("/{}", m["cues"]["path"].as_str().unwrap());
    let (head, plain) = get(server.addr, &cues, "");
    assert!(head.contains("immutable"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");
    let (head, br) = get(server.addr, &cues, "Accept-Encoding: br\r\n");
    assert!(head.contains("content-encoding: br"), "{head}");
    assert!(head.contains("immutable"), "{head}");
    let mut back = Vec::new();
    brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
    assert_eq!(back, plain);
    let (head, _) = get(server.addr, &cues, "Accept-Encoding: gzip\r\n");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let runtime = format!("/{}", m["runtime"]["path"].as_str().unwrap());
    let (head, _) = get(server.addr, &runtime, "");
    assert!(head.contains("immutable"), "{head}");
    assert!(head.contains("javascript"), "{head}");
    // /time is still /time.
    let (head, body) = get(server.addr, "/time", "");
    assert!(head.contains("no-store"), "{head}");
    assert!(text(&body).contains("serverTime"));
}
