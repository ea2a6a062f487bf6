//! A practice version of the BLk portal's 2FA journey, served on 127.0.0.1 only.
//!
//! For the helpdesk (demonstrate setup, reset 2FA, show what a wrong clock does), for testers
//! and for end-to-end tests of Tweestap. It imitates the real portal's guide: log in with a
//! demo account → "Mijn account" → "Mijn Profiel" → "2FA inschakelen" → confirm the password
//! → a mail "Stel tweestapsauthenticatie (2FA) in" in the practice inbox, whose link (valid 5
//! days) opens the QR page → type the code → every later login asks for a code. A helpdesk
//! page resets 2FA, shows the expected code and moves the portal clock. Pages are Dutch with
//! an English switch; a JSON API drives the same journey (see `docs/PRACTICE_PORTAL.md`).
//!
//! All state is in memory. OTP logic is `tweestap-core`'s.
//!
//! ```no_run
//! // Serve in the background (e.g. from the app), on a free port:
//! let running = tweestap_portal::start(0, tweestap_portal::Portal::default()).unwrap();
//! println!("{}", running.url());
//! running.stop();
//! ```

mod api;
mod config;
mod html;
mod lang;
mod problem;
mod qr_png;
mod store;
mod time;
mod web;

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use axum::Router;

pub use config::{Config, DEMO_EMAIL, DEMO_PASSWORD, LINK_VALID_S, Policy};
pub use lang::Lang;
pub use problem::{ErrorBody, Hint, PortalError, Problem};
pub use store::{
    Enrollment, Expected, ISSUER, Link, LinkState, LoginNeeds, MAIL_SUBJECT, MAX_OFFSET_S, Mail,
    MailReason, PERIOD, Store, TwoFactor, User, WINDOW, check_code,
};

/// A portal: its state, shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct Portal {
    store: Arc<Mutex<Store>>,
}

impl Default for Portal {
    fn default() -> Self {
        Self::new(Config::default())
    }
}

impl Portal {
    pub fn new(config: Config) -> Self {
        Self {
            store: Arc::new(Mutex::new(Store::new(&config))),
        }
    }

    /// The state, locked (a panic in another request does not lock it forever).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every page and API endpoint.
    pub fn router(&self) -> Router {
        Router::new()
            .merge(web::routes())
            .merge(api::routes())
            .method_not_allowed_fallback(web::method_not_allowed)
            .fallback(web::not_found)
            .layer(axum::middleware::from_fn(web::local_hosts_only))
            .with_state(self.clone())
    }
}

/// A listener on 127.0.0.1:`port` (0: a free port). Never on another interface.
pub fn bind(port: u16) -> io::Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
}

/// Serves `portal` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    portal: Portal,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    axum::serve(listener, portal.router())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves `portal` on `listener` on this thread, until the process ends (the CLI).
pub fn serve_blocking(listener: TcpListener, portal: Portal) -> io::Result<()> {
    runtime()?.block_on(serve(listener, portal, std::future::pending()))
}

fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// A portal serving on its own thread (with its own small runtime), e.g. started by a button
/// in the app or by a test. Stops when [`RunningPortal::stop`] is called or it is dropped.
pub struct RunningPortal {
    addr: SocketAddr,
    portal: Portal,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

/// Starts `portal` on 127.0.0.1:`port` (0: a free port) in the background. The port is bound
/// before this returns, so [`RunningPortal::url`] can be opened at once.
pub fn start(port: u16, portal: Portal) -> io::Result<RunningPortal> {
    let listener = bind(port)?;
    let addr = listener.local_addr()?;
    let runtime = runtime()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = portal.clone();
    let thread = std::thread::Builder::new()
        .name("practice-portal".into())
        .spawn(move || {
            runtime.block_on(serve(listener, served, async {
                let _ = stopped.await;
            }))
        })?;
    Ok(RunningPortal {
        addr,
        portal,
        stop: Some(stop),
        thread: Some(thread),
    })
}

impl RunningPortal {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The served portal's state (tests, the app's helpdesk view).
    pub fn portal(&self) -> &Portal {
        &self.portal
    }

    /// Stops serving and waits for the thread to end.
    pub fn stop(mut self) -> io::Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the practice portal thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for RunningPortal {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
