//! Linux: the desktop's announcements, on D-Bus, that the screen locked or the system goes to
//! sleep. Any of these signals counts (locking is always safe, so who sends it does not
//! matter):
//! - `org.freedesktop.ScreenSaver.ActiveChanged(true)` (KDE, and desktops implementing the
//!   freedesktop screensaver interface) and `org.gnome.ScreenSaver.ActiveChanged(true)` (GNOME)
//!   on the session bus;
//! - logind's `PrepareForSleep(true)` and this session's `Lock` on the system bus.
//!
//! Each watch runs on its own thread; a bus that is not there (no logind in a container, no
//! session bus) ends that watch quietly.

use std::sync::Arc;

use futures_lite::StreamExt;
use zbus::message::Type as MessageType;
use zbus::{MatchRule, MessageStream};

const SCREENSAVERS: [&str; 2] = ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"];

/// What to do on a lock signal; its argument says why, for the log.
type OnLock = Arc<dyn Fn(&'static str) + Send + Sync>;

/// Calls `on_lock` (from a watch thread) each time the screen locks, the login session is
/// locked or the system is about to sleep, for as long as the program runs.
pub fn watch(on_lock: impl Fn(&'static str) + Send + Sync + 'static) {
    let on_lock: OnLock = Arc::new(on_lock);
    for interface in SCREENSAVERS {
        let on_lock = Arc::clone(&on_lock);
        spawn(&format!("watch {interface}"), move || {
            async_io::block_on(watch_screensaver(&on_lock, interface))
        });
    }
    spawn("watch logind", move || {
        async_io::block_on(watch_logind(&on_lock))
    });
}

fn spawn(name: &str, watch: impl FnOnce() -> zbus::Result<()> + Send + 'static) {
    let label = name.to_string();
    let _ = std::thread::Builder::new()
        .name(name.chars().take(15).collect())
        .spawn(move || {
            if let Err(e) = watch() {
                log::debug!("{label}: not watching ({e})");
            }
        });
}

async fn watch_screensaver(on_lock: &OnLock, interface: &'static str) -> zbus::Result<()> {
    let bus = zbus::Connection::session().await?;
    let rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .interface(interface)?
        .member("ActiveChanged")?
        .build();
    let mut signals = MessageStream::for_match_rule(rule, &bus, None).await?;
    log::debug!("watching {interface}.ActiveChanged");
    while let Some(message) = signals.next().await {
        if message?.body().deserialize::<bool>().unwrap_or(false) {
            on_lock("the screen locked");
        }
    }
    Ok(())
}

async fn watch_logind(on_lock: &OnLock) -> zbus::Result<()> {
    const LOGIND: &str = "org.freedesktop.login1";
    let bus = zbus::Connection::system().await?;
    let manager = zbus::Proxy::new(
        &bus,
        LOGIND,
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
    )
    .await?;
    let mut sleeps = manager.receive_signal("PrepareForSleep").await?;
    // Started outside a login session (from a service, over ssh) there is no session to watch
    // for Lock, but sleep still locks.
    let mut locks = match session_locks(&bus, &manager).await {
        Ok(locks) => Some(locks),
        Err(e) => {
            log::debug!("not watching logind's Lock ({e})");
            None
        }
    };
    log::debug!(
        "watching logind's PrepareForSleep{}",
        if locks.is_some() { " and Lock" } else { "" }
    );
    loop {
        let event = futures_lite::future::or(
            async {
                sleeps
                    .next()
                    .await
                    .map(|m| m.body().deserialize::<bool>().unwrap_or(false))
                    .map(|going| going.then_some("the system is going to sleep"))
            },
            async {
                match locks.as_mut() {
                    Some(locks) => locks.next().await.map(|_| Some("the session was locked")),
                    None => futures_lite::future::pending().await,
                }
            },
        )
        .await;
        match event {
            None => return Ok(()),
            Some(Some(why)) => on_lock(why),
            Some(None) => {}
        }
    }
}

/// This login session's `Lock` signals ("auto" is the caller's session).
async fn session_locks(
    bus: &zbus::Connection,
    manager: &zbus::Proxy<'_>,
) -> zbus::Result<zbus::proxy::SignalStream<'static>> {
    let session_path: zbus::zvariant::OwnedObjectPath =
        manager.call("GetSession", &("auto",)).await?;
    let session = zbus::Proxy::new(
        bus,
        "org.freedesktop.login1",
        session_path,
        "org.freedesktop.login1.Session",
    )
    .await?;
    session.receive_signal("Lock").await
}
