//! The live session: following a time server (playhead, audio, read-only document), the
//! operator's changes, and a rehearsal server started in-process.

use timesync::{Status, TransportUpdate};

use super::CuestudioApp;
use crate::live::session::LiveSession;
use crate::ui::PendingAdmin;

/// The live session and what the app keeps about it.
#[derive(Default)]
pub struct LiveUi {
    /// The `/time` URL being followed.
    pub url: String,
    pub session: Option<LiveSession>,
    pub rehearsal: Option<timeserver::ServerHandle>,
    pub connect_error: Option<String>,
    /// Audible position minus server show position, last frame.
    pub audio_error_ms: Option<i64>,
}

fn now_unix_ms() -> i64 {
    crate::doc::autosave::now_unix_ms()
}

/// Where a connection goes when the show names no time server.
const DEFAULT_SERVER: &str = "http://127.0.0.1:8787/time";
/// How far the audio may drift from the server's show time before it is moved back.
const AUDIO_RESEEK_MS: i64 = 50;

impl CuestudioApp {
    pub fn is_live(&self) -> bool {
        self.live.session.is_some()
    }

    pub fn connect_live(&mut self, url: String) {
        let ctx = self.ctx.clone();
        match LiveSession::connect(&url, Box::new(move || ctx.request_repaint())) {
            Ok(s) => {
                self.live.session = Some(s);
                self.live.connect_error = None;
                self.live.url = url;
                self.editor.timeline.follow_playhead = true;
            }
            Err(e) => self.live.connect_error = Some(e),
        }
    }

    pub fn disconnect_live(&mut self) {
        self.live.session = None;
        self.live.rehearsal = None;
        self.live.audio_error_ms = None;
        self.player.pause();
    }

    /// The Live panel's server field starts as the show's time server.
    pub(super) fn default_live_url(&mut self) {
        if self.editor.live.url.is_empty() {
            self.editor.live.url = self
                .doc
                .show()
                .time_server
                .clone()
                .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
        }
    }

    /// Starts a local time server (rehearsal) and follows it, with the show starting in 5 s.
    pub(super) fn start_rehearsal(&mut self) {
        let token = format!("rehearsal-{:x}", now_unix_ms());
        let config = timeserver::Config {
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            state_file: None,
            admin_token: Some(token.clone()),
            serve_dir: None,
        };
        match timeserver::spawn_background(config) {
            Ok(handle) => {
                let url = format!("http://{}/time", handle.addr);
                self.live.rehearsal = Some(handle);
                self.editor.live.token = token.clone();
                self.connect_live(url);
                if let Some(s) = &self.live.session {
                    s.admin(
                        &token,
                        TransportUpdate {
                            event_start: Some(now_unix_ms() + 5_000),
                            ..TransportUpdate::default()
                        },
                    );
                }
            }
            Err(e) => self.live.connect_error = Some(format!("rehearsal server: {e}")),
        }
    }

    /// Once per frame while live: the playhead and the audio follow server show time.
    pub(super) fn follow_live(&mut self) {
        let Some(s) = &self.live.session else { return };
        let snap = s.snapshot();
        let Some(pos) = snap.show_position_ms else {
            self.live.audio_error_ms = None;
            return;
        };
        let running = snap.status == Status::Running && pos >= 0;
        if running && !self.player.is_playing() {
            self.player.seek(pos.max(0));
            self.player.play();
        } else if !running && self.player.is_playing() {
            self.player.pause();
        }
        let err = self.player.position_ms() - pos.max(0);
        if err.abs() > AUDIO_RESEEK_MS || !running {
            self.player.seek(pos.max(0));
        }
        self.live.audio_error_ms = Some(err);
    }

    pub(super) fn send_admin(&mut self, pending: PendingAdmin) {
        if let Some(s) = &self.live.session {
            s.admin(self.editor.live.token.trim(), pending.update);
        }
    }
}
