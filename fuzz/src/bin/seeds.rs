//! Writes the seed corpora of every fuzz target from the shared fixtures and the core's own
//! import fixtures, plus files derived from them with the core's writers (encrypted exports
//! and vaults with cheap key derivation, the QR image in every supported format), so each
//! target starts from inputs that reach deep into its parser.
//!
//!     seeds FIXTURES_DIR CORE_IMPORT_FIXTURES_DIR CORPUS_DIR
//!
//! Writes `CORPUS_DIR/<target>/seed-<name>`; run-time only (the corpus folder is not
//! committed, and neither are copies of the fixtures).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tweestap_core::export::{self, AegisEncryption};
use tweestap_core::import::{self, ImportOptions, NewAccount, ScryptCost, Source};
use tweestap_core::qr::image::ImageFormat;
use tweestap_core::vault::{CreateOptions, KdfParams, MemoryKeyring, VaultStore};
use tweestap_fuzz::{PASSWORD, VaultHarness, keyring_key, unseal};

/// The seeds of every target, by target name.
#[derive(Default)]
struct Corpora(BTreeMap<&'static str, Vec<(String, Vec<u8>)>>);

impl Corpora {
    fn add(&mut self, target: &'static str, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.0
            .entry(target)
            .or_default()
            .push((name.into(), bytes.into()));
    }

    /// An import seed: for its named format's target and for detection.
    fn import(&mut self, target: &'static str, name: impl Into<String>, bytes: Vec<u8>) {
        let name = name.into();
        self.add("import_detect", format!("{target}-{name}"), bytes.clone());
        self.add(target, name, bytes);
    }

    fn write(&self, out: &Path) -> std::io::Result<()> {
        for (target, seeds) in &self.0 {
            let dir = out.join(target);
            std::fs::create_dir_all(&dir)?;
            for (name, bytes) in seeds {
                let safe: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                std::fs::write(dir.join(format!("seed-{safe}")), bytes)?;
            }
            println!("{target}: {} seeds", seeds.len());
        }
        Ok(())
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Files of `dir` (sorted), except `index.json` and `expected.json`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.file_name().and_then(|n| n.to_str()), Some("index.json")))
        .collect();
    all.sort();
    all
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The `input` of every case of a vectors file.
fn inputs(cases: &Value) -> Vec<(String, String)> {
    cases["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| {
            Some((
                c["id"].as_str()?.to_owned(),
                c["input"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// The protobuf payload of an export link (its `data` parameter, unescaped, base64-decoded).
fn payload(link: &str) -> Option<Vec<u8>> {
    let data = link.split_once("data=")?.1.split('&').next()?;
    let data = data
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%3D", "=")
        .replace("%3d", "=");
    tweestap_core::base64::decode(&data).map(|p| p.to_vec())
}

/// Accounts of several kinds (TOTP, HOTP, Steam; groups, favourites) read from fixtures.
fn sample_accounts(fixtures: &Path, own: &Path) -> Vec<NewAccount> {
    let mut items = Vec::new();
    for path in [
        fixtures.join("vectors/aegis/plain_v3_basic.json"),
        fixtures.join("vectors/aegis/plain_v3_steam.json"),
        own.join("2fas/plain.2fas"),
    ] {
        let source = Source::new(path.display().to_string(), read(&path));
        let preview = import::preview(&[source], ImportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        items.extend(preview.accounts);
    }
    items
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [fixtures, own, out] = args.as_slice() else {
        eprintln!("usage: seeds FIXTURES_DIR CORE_IMPORT_FIXTURES_DIR CORPUS_DIR");
        std::process::exit(2);
    };
    let mut c = Corpora::default();

    // Links.
    let uri_cases = inputs(&json(&fixtures.join("vectors/otpauth_uris.json")));
    let migration_cases = inputs(&json(&fixtures.join("vectors/migration.json")));
    for (id, input) in &uri_cases {
        c.add("otpauth_uri", id.clone(), input.clone());
    }
    for (id, input) in &migration_cases {
        c.add("migration", id.clone(), input.clone());
        c.add("otpauth_uri", format!("migration-{id}"), input.clone());
        if let Some(p) = payload(input) {
            c.add("migration", format!("{id}.pb"), p);
        }
        c.import("import_google", id.clone(), input.clone().into_bytes());
    }
    let all_links = |cases: &[(String, String)]| {
        cases
            .iter()
            .map(|(_, i)| i.as_str())
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    };
    c.import("import_uris", "otpauth_uris.txt", all_links(&uri_cases));
    c.import(
        "import_google",
        "migration.txt",
        all_links(&migration_cases),
    );

    // QR images, and one of them in every other format the scanner reads.
    let qr_index = json(&fixtures.join("qr/index.json"));
    for item in qr_index["items"].as_array().expect("qr items") {
        let name = item["file"].as_str().expect("file");
        let bytes = read(&fixtures.join("qr").join(name));
        let target = if name.starts_with("migration") {
            "import_google"
        } else {
            "import_uris"
        };
        c.add("scan_image", name, bytes.clone());
        c.import(target, name, bytes);
        if let Some(text) = item["text"].as_str() {
            c.add("otpauth_uri", format!("qr-{name}"), text);
        }
    }
    let png = read(&fixtures.join("qr/uri__basic-google-example.png"));
    let image = tweestap_core::qr::load_image(&png).expect("fixture PNG");
    for (format, ext) in [
        (ImageFormat::Jpeg, "jpg"),
        (ImageFormat::Gif, "gif"),
        (ImageFormat::Bmp, "bmp"),
        (ImageFormat::WebP, "webp"),
    ] {
        let mut bytes = Cursor::new(Vec::new());
        image
            .to_rgb8()
            .write_to(&mut bytes, format)
            .unwrap_or_else(|e| panic!("{ext}: {e}"));
        c.add("scan_image", format!("basic.{ext}"), bytes.into_inner());
    }

    // Export files of each kind, as they are.
    for path in files(&fixtures.join("vectors/aegis")) {
        c.import("import_aegis", file_name(&path), read(&path));
    }
    for (dir, target) in [
        ("2fas", "import_2fas"),
        ("andotp", "import_andotp"),
        ("bitwarden", "import_bitwarden"),
        ("uris", "import_uris"),
    ] {
        for path in files(&own.join(dir)) {
            c.import(target, file_name(&path), read(&path));
        }
    }

    // Derived with the core's writers: the same accounts in every export, encrypted ones
    // with cheap key derivation so the fuzzer's password runs open them.
    let items = sample_accounts(fixtures, own);
    c.import(
        "import_uris",
        "export.txt",
        export::uris(&items).as_bytes().to_vec(),
    );
    let plain = export::aegis(&items, None).expect("plain Aegis export");
    c.import("import_aegis", "export-plain.json", plain.to_vec());
    let encrypted = export::aegis(
        &items,
        Some(AegisEncryption {
            password: PASSWORD,
            cost: ScryptCost::insecure_for_tests(),
        }),
    )
    .expect("encrypted Aegis export");
    c.import(
        "import_aegis",
        "export-cheap-scrypt.json",
        encrypted.to_vec(),
    );
    let links = export::google_links(
        &items
            .iter()
            .filter(|i| i.account.kind != tweestap_core::OtpKind::Steam)
            .cloned()
            .collect::<Vec<_>>(),
    );
    c.import(
        "import_google",
        "export.txt",
        links
            .links
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
    );
    for (i, png) in export::google_qr_codes(&links).into_iter().enumerate() {
        c.add("scan_image", format!("google-export-{i}.png"), png.to_vec());
        c.import(
            "import_google",
            format!("google-export-{i}.png"),
            png.to_vec(),
        );
    }

    // A vault with these accounts (password and keyring, cheap Argon2id), as a whole file
    // and as its plaintext, and a Tweestap backup of it.
    let harness = VaultHarness::get();
    let scratch = std::env::temp_dir().join(format!("tweestap-fuzz-seeds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let keyring = Arc::new(MemoryKeyring::new());
    let store = VaultStore::new(scratch.join("seed.tweestap"))
        .with_keyring(keyring.clone())
        .with_auto_backups(0);
    let mut vault = store
        .create(CreateOptions {
            keyring: true,
            password: Some(PASSWORD),
            kdf: KdfParams::insecure_for_tests(),
        })
        .expect("create the seed vault");
    let accounts: Vec<_> = items.iter().map(|i| i.account.clone()).collect();
    let ids: Vec<String> = vault
        .add_all(accounts)
        .expect("add accounts")
        .iter()
        .map(|o| o.id().to_owned())
        .collect();
    vault.set_favourite(&ids[0], true).expect("favourite");
    vault.set_group(&ids[1], Some("Work")).expect("group");
    vault.delete(&ids[2]).expect("delete");
    let backup = vault
        .export_backup(PASSWORD, KdfParams::insecure_for_tests())
        .expect("backup");
    c.import(
        "import_backup",
        "backup-cheap-argon2.tweestap",
        backup.clone(),
    );
    c.add("vault_open", "backup.tweestap", backup);
    c.add("vault_open", "vault.tweestap", read(store.path()));
    c.add("vault_open", "empty.tweestap", harness.template());
    let key = keyring_key(&keyring, &vault).expect("the seed vault's key");
    let plaintext = unseal(&read(store.path()), &key).expect("the seed vault opens");
    c.add("vault_open", "content.json", plaintext);
    let _ = std::fs::remove_dir_all(&scratch);

    c.write(out).expect("write the corpora");
}
