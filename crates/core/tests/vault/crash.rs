//! Crash safety and concurrency across processes. This test binary re-runs itself as the
//! writer process (the `child_*` tests do nothing unless the parent sets their variables).
//!
//! - crash: ≥ 200 cycles of a writer killed with SIGKILL at a random moment while it adds,
//!   replaces and removes accounts; after each kill the vault opens and holds exactly the
//!   accounts whose operation reported success, plus possibly the one in flight.
//! - concurrency: two processes adding 100 accounts each end with 200.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use crate::vault_support::*;
use tweestap_core::vault::{AccountSummary, Vault};

const CHILD_VAR: &str = "TWEESTAP_TEST_WRITER";
const VAULT_VAR: &str = "TWEESTAP_TEST_WRITER_VAULT";
const SEED_VAR: &str = "TWEESTAP_TEST_WRITER_SEED";
const CYCLES: usize = 200;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// issuer → secret (hex) of the live accounts.
fn contents(v: &Vault) -> BTreeMap<String, String> {
    v.list()
        .iter()
        .map(|s: &AccountSummary| {
            (
                s.issuer.clone(),
                hex(v.account(&s.id).unwrap().secret.expose()),
            )
        })
        .collect()
}

/// The writer: adds, replaces and removes accounts until it is killed, announcing each
/// operation before (`BEGIN …`) and its success after (`DONE`).
#[test]
fn child_crash_writer() {
    if std::env::var(CHILD_VAR).as_deref() != Ok("crash") {
        return;
    }
    let path = std::env::var(VAULT_VAR).unwrap();
    let seed: u64 = std::env::var(SEED_VAR).unwrap().parse().unwrap();
    let mut rng = Rng(seed | 1);
    let mut v = open_with_password(Path::new(&path));
    for n in 0.. {
        let live = v.list();
        let secret: Vec<u8> = (0..10).map(|_| rng.below(256) as u8).collect();
        let choice = if live.len() < 3 { 0 } else { rng.below(3) };
        match choice {
            0 => {
                let issuer = format!("acct-{seed}-{n}");
                println!("BEGIN add {issuer} {}", hex(&secret));
                v.add(totp(&issuer, "user", &secret)).unwrap();
            }
            1 => {
                let s = &live[rng.below(live.len() as u64) as usize];
                println!("BEGIN replace {} {}", s.issuer, hex(&secret));
                v.replace(&s.id, totp(&s.issuer, "user", &secret)).unwrap();
            }
            _ => {
                let s = &live[rng.below(live.len() as u64) as usize];
                println!("BEGIN remove {}", s.issuer);
                v.delete(&s.id).unwrap();
            }
        }
        println!("DONE");
    }
}

fn apply(model: &mut BTreeMap<String, String>, op: &[&str]) {
    match op {
        ["add", issuer, secret] | ["replace", issuer, secret] => {
            model.insert(issuer.to_string(), secret.to_string());
        }
        ["remove", issuer] => {
            model.remove(*issuer);
        }
        other => panic!("unknown operation {other:?}"),
    }
}

#[test]
fn killed_writers_never_lose_or_invent_accounts() {
    let dir = TempDir::new("crash");
    create_password_vault(&dir.vault()).lock();
    let mut rng = Rng::from_time();
    let mut model: BTreeMap<String, String> = BTreeMap::new();
    let (mut in_flight_kills, mut in_flight_applied, mut ops_done) = (0, 0, 0);
    let started = Instant::now();

    for cycle in 0..CYCLES {
        let seed = rng.next().to_string();
        let mut child = rerun_self(
            "crash::child_crash_writer",
            &[
                (CHILD_VAR, "crash"),
                (VAULT_VAR, dir.vault().to_str().unwrap()),
                (SEED_VAR, &seed),
            ],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        // Start-up takes a few milliseconds; each operation about one more.
        thread::sleep(Duration::from_micros(rng.below(60_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();

        let mut pending: Option<Vec<&str>> = None;
        for line in out.lines() {
            // libtest prints `test child_crash_writer ... ` without a newline before the
            // test's own output, so the first BEGIN may share its line.
            if let Some(at) = line.find("BEGIN ") {
                let op = &line[at + "BEGIN ".len()..];
                assert!(
                    pending.is_none(),
                    "cycle {cycle}: BEGIN without DONE before"
                );
                pending = Some(op.split(' ').collect());
            } else if line == "DONE" {
                let op = pending.take().expect("DONE without BEGIN");
                apply(&mut model, &op);
                ops_done += 1;
            }
        }

        let v = open_with_password(&dir.vault());
        let actual = contents(&v);
        match pending {
            None => assert_eq!(actual, model, "cycle {cycle}: killed between operations"),
            Some(op) => {
                in_flight_kills += 1;
                if actual != model {
                    let mut with_op = model.clone();
                    apply(&mut with_op, &op);
                    assert_eq!(actual, with_op, "cycle {cycle}: in-flight {op:?}");
                    in_flight_applied += 1;
                    model = with_op;
                }
            }
        }
        if password_store(&dir.vault()).backup_path().exists() {
            let backup_path = password_store(&dir.vault()).backup_path();
            open_with_password(&backup_path);
        }
    }
    eprintln!(
        "{CYCLES} kills in {:.1} s: {ops_done} operations confirmed, {in_flight_kills} kills \
         during an operation ({in_flight_applied} of those had already committed), final \
         vault holds {} accounts",
        started.elapsed().as_secs_f64(),
        model.len()
    );
    assert!(
        ops_done > 0,
        "the writer never got to work: kill delays too short"
    );
    assert!(
        in_flight_kills > 0,
        "no kill landed during an operation: kill delays too coarse"
    );
}

/// Adds 100 accounts named after its tag.
#[test]
fn child_concurrent_adder() {
    if std::env::var(CHILD_VAR).as_deref() != Ok("adder") {
        return;
    }
    let path = std::env::var(VAULT_VAR).unwrap();
    let tag = std::env::var(SEED_VAR).unwrap();
    let mut v = open_with_password(Path::new(&path));
    for n in 0..100 {
        let issuer = format!("{tag}-{n}");
        v.add(totp(&issuer, "user", issuer.as_bytes())).unwrap();
    }
}

#[test]
fn two_processes_adding_100_each_end_with_200() {
    let dir = TempDir::new("concurrent");
    create_password_vault(&dir.vault()).lock();
    let children: Vec<_> = ["left", "right"]
        .iter()
        .map(|tag| {
            rerun_self(
                "crash::child_concurrent_adder",
                &[
                    (CHILD_VAR, "adder"),
                    (VAULT_VAR, dir.vault().to_str().unwrap()),
                    (SEED_VAR, tag),
                ],
            )
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "an adder failed");
    }
    let v = open_with_password(&dir.vault());
    let list = v.list();
    assert_eq!(list.len(), 200);
    for tag in ["left", "right"] {
        for n in 0..100 {
            let issuer = format!("{tag}-{n}");
            assert!(list.iter().any(|s| s.issuer == issuer), "{issuer} lost");
        }
    }
}
