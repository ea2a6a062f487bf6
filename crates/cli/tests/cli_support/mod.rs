//! Running the `tweestap` binary from the CLI test suites, and their throw-away folders.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// One finished run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {:?} / {:?}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts exit status 0 (showing both streams otherwise).
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// The `kind` of a `{"error":{"kind","message"}}` on stdout, or "".
    pub fn error_kind(&self) -> String {
        self.json()["error"]["kind"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// `(exit status, error kind)`, the kind described when stdout holds no JSON error.
    pub fn error(&self) -> (i32, String) {
        let kind = serde_json::from_str::<Value>(&self.stdout)
            .ok()
            .and_then(|v| v["error"]["kind"].as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("<no JSON error: {:?} {:?}>", self.stdout, self.stderr));
        (self.code, kind)
    }

    /// Exit 2 with exactly one line in all, and no panic text.
    pub fn is_one_line_bad_input(&self) -> bool {
        let all = format!("{}{}", self.stdout, self.stderr);
        self.code == 2
            && all.lines().count() == 1
            && all.ends_with('\n')
            && !all.contains("panicked")
            && !all.contains("RUST_BACKTRACE")
    }
}

/// Runs `tweestap ARGS` with no stdin, no `TWEESTAP_VAULT` and no backtraces.
pub fn tweestap(args: &[&str]) -> Run {
    tweestap_env(args, &[])
}

/// As [`tweestap`], with extra environment variables.
pub fn tweestap_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tweestap"));
    cmd.args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("TWEESTAP_VAULT")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run tweestap");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// A temporary folder, deleted when dropped.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("tweestap-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    /// Writes `text` to `name` in the folder; returns its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }

    pub fn vault(&self) -> String {
        self.path("vault.tweestap")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
