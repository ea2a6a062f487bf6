//! Export buffers are wiped (issue 17): after an export and its result are dropped, no copy of
//! the key's base32 text is left anywhere in this process's memory — not in a buffer that grew
//! by reallocation, not in a temporary string. The memory is read through `/proc/self/mem`
//! (Linux), the way another process with the same rights could read it. One test in its own
//! binary, so no other test's allocations are in the way; its tests run one at a time (a scan
//! copies memory, and a test running beside it maps and unmaps memory under it).

#![cfg(target_os = "linux")]

use std::fs;
use std::io::{Read, Seek, SeekFrom};

use tweestap_core::export::{self, AegisEncryption};
use tweestap_core::import::{NewAccount, ScryptCost};
use tweestap_core::{Account, Secret, base32};

/// Held for a whole test: the tests of this binary run one after the other.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TESTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where `needle` occurs in this process's writable memory, except inside `except` (the
/// test's own buffers holding it). Memory is read in chunks into a buffer on the stack, whose own
/// addresses are skipped too, so the scan never finds its own copies.
fn copies_in_memory(needle: &[u8], except: &[std::ops::Range<usize>]) -> Vec<usize> {
    const CHUNK: usize = 64 * 1024;
    let mut chunk = [0u8; CHUNK];
    let own = chunk.as_ptr() as usize..chunk.as_ptr() as usize + CHUNK;
    let maps = fs::read_to_string("/proc/self/maps").unwrap();
    let mut mem = fs::File::open("/proc/self/mem").unwrap();
    let mut found = Vec::new();
    for line in maps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (range, perms, name) = (fields[0], fields[1], fields.get(5).copied().unwrap_or(""));
        // The heap, anonymous mappings (large allocations, thread arenas, thread stacks).
        if !perms.starts_with("rw") || !(name.is_empty() || name == "[heap]") {
            continue;
        }
        let (start, end) = range.split_once('-').unwrap();
        let start = usize::from_str_radix(start, 16).unwrap();
        let end = usize::from_str_radix(end, 16).unwrap();
        // Chunks overlap by the needle's length, so a copy across two chunks is seen.
        let mut at = start;
        while at < end {
            let len = CHUNK.min(end - at);
            // Every mapping of the kinds above is readable by its own process while it exists;
            // one can go between reading the list and reading it (the stack of the test thread
            // that just ended), and then it holds nothing any more.
            let read = mem
                .seek(SeekFrom::Start(at as u64))
                .and_then(|_| mem.read_exact(&mut chunk[..len]));
            if let Err(e) = read {
                assert!(!still_mapped(start, end), "{range} cannot be read: {e}");
                break;
            }
            for (i, w) in chunk[..len].windows(needle.len()).enumerate() {
                let address = at + i;
                if w == needle
                    && !except.iter().any(|r| r.contains(&address))
                    && !own.contains(&address)
                {
                    found.push(address);
                }
            }
            if at + len >= end {
                break;
            }
            at += len - needle.len();
        }
    }
    chunk.iter_mut().for_each(|b| *b = 0);
    found
}

/// Whether `start..end` is still (part of) a mapping of this process.
fn still_mapped(start: usize, end: usize) -> bool {
    fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next()?.split_once('-'))
        .filter_map(|(a, b)| {
            Some((
                usize::from_str_radix(a, 16).ok()?,
                usize::from_str_radix(b, 16).ok()?,
            ))
        })
        .any(|(a, b)| a < end && start < b)
}

#[test]
fn exports_leave_no_copy_of_a_key_behind() {
    let _alone = one_at_a_time();
    let key: Vec<u8> = b"\x9d\x51wipe-me-export-key-bytes\xe4\x07".to_vec();
    let needle = base32::encode(&key);
    let needle_at = needle.as_ptr() as usize..needle.as_ptr() as usize + needle.len();
    // Enough accounts, with long names, that every output buffer has to grow.
    let items: Vec<NewAccount> = (0..300)
        .map(|i| {
            NewAccount::from(Account::totp(
                format!(
                    "Issuer with a rather long name number {i} {}",
                    "x".repeat(i % 400)
                ),
                format!("account-{i}@example.com"),
                Secret::new(key.clone()),
            ))
        })
        .collect();
    assert!(
        copies_in_memory(needle.as_bytes(), std::slice::from_ref(&needle_at)).is_empty(),
        "before any export"
    );
    // The scan can find a copy: one planted on the heap is seen, then wiped.
    let mut planted = needle.clone().into_bytes();
    assert_eq!(
        copies_in_memory(needle.as_bytes(), std::slice::from_ref(&needle_at)).len(),
        1,
        "the planted copy"
    );
    zeroize::Zeroize::zeroize(&mut planted);
    drop(planted);

    type Export<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let exports: [Export<'_>; 3] = [
        ("otpauth links", Box::new(|| drop(export::uris(&items)))),
        (
            "Aegis plain",
            Box::new(|| drop(export::aegis(&items, None).unwrap())),
        ),
        (
            "Aegis encrypted",
            Box::new(|| {
                let encryption = AegisEncryption {
                    password: "pw",
                    cost: ScryptCost::insecure_for_tests(),
                };
                drop(export::aegis(&items, Some(encryption)).unwrap())
            }),
        ),
    ];
    for (what, run) in exports {
        run();
        let left = copies_in_memory(needle.as_bytes(), std::slice::from_ref(&needle_at));
        assert!(
            left.is_empty(),
            "{what}: {} copies of the key left in memory",
            left.len()
        );
    }
}

/// Google Authenticator export links carry the raw key inside a protobuf payload, which is
/// then base64- and percent-encoded: none of these stages, nor the trial encodings that size
/// each batch, may stay behind once the export and its QR codes are dropped. (The QR and PNG
/// encoders' own working buffers are out of reach: docs/SECURITY.md.)
#[test]
fn google_exports_leave_no_payload_or_link_behind() {
    let _alone = one_at_a_time();
    let key: Vec<u8> = b"\x9d\x51wipe-me-google-key-bytes\xe4\x07".to_vec();
    // The key as a protobuf field (tag 1, length, bytes): only an export payload holds this;
    // the accounts' own keys are the bare bytes.
    let mut field = vec![0x0a, key.len() as u8];
    field.extend_from_slice(&key);
    let field_at = field.as_ptr() as usize..field.as_ptr() as usize + field.len();
    let items: Vec<NewAccount> = (0..60)
        .map(|i| {
            NewAccount::from(Account::totp(
                format!("Google service {i} {}", "y".repeat(i * 3)),
                format!("person-{i}@example.com"),
                Secret::new(key.clone()),
            ))
        })
        .collect();
    // The first account's part of the first link's data is the same in every encoding of the
    // first batch (the trials that size it and the link itself), as base64 and as the
    // percent-encoded text: copies of both are the needles for links. They are taken past the
    // first 32 characters, which the allocator overwrites with its own pointers when it frees
    // a buffer (a copy there would go unseen).
    let (encoded, base64) = {
        let links = export::google_links(&items);
        assert!(links.links.len() > 1, "several batches");
        let data = links.links[0].split_once("data=").unwrap().1;
        // Decoded in one buffer sized up front and wiped, so the test leaves no copy itself.
        let mut base64 = String::with_capacity(data.len());
        let mut rest = data;
        while let Some(c) = rest.chars().next() {
            let (decoded, len) = match rest.get(..3) {
                Some("%2B") => ('+', 3),
                Some("%2F") => ('/', 3),
                Some("%3D") => ('=', 3),
                _ => (c, 1),
            };
            base64.push(decoded);
            rest = &rest[len..];
        }
        let needles = (data[64..112].to_string(), base64[64..112].to_string());
        zeroize::Zeroize::zeroize(&mut base64);
        needles
    };
    let at = |s: &String| s.as_ptr() as usize..s.as_ptr() as usize + s.len();
    let links = export::google_links(&items);
    let pngs = export::google_qr_codes(&links);
    assert_eq!(pngs.len(), links.links.len());
    let left = copies_in_memory(&field, std::slice::from_ref(&field_at));
    assert!(
        left.is_empty(),
        "{} copies of a payload left once the links are made",
        left.len()
    );
    drop(pngs);
    drop(links);
    let left = copies_in_memory(&field, std::slice::from_ref(&field_at));
    assert!(left.is_empty(), "{} copies of a payload left", left.len());
    let needles = [at(&encoded), at(&base64)];
    for (what, needle) in [("link", &encoded), ("base64 text", &base64)] {
        let left = copies_in_memory(needle.as_bytes(), &needles);
        assert!(left.is_empty(), "{} copies of a {what} left", left.len());
    }
}

/// Reading a Google Authenticator export back (a scan, an import) leaves no copy of a key: the
/// decoder slices the key out of a buffer that wipes itself instead of copying it into one
/// that is freed as it is. The needle is the key's second half: the allocator writes its own
/// pointers over the start of a freed buffer, which would hide a copy of the whole key.
#[test]
fn reading_a_google_export_leaves_no_key_behind() {
    use tweestap_core::migration::{BatchInfo, encode_migration, parse_migration};
    let _alone = one_at_a_time();
    let key: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
    let needle = key[32..].to_vec();
    let at = |b: &Vec<u8>| b.as_ptr() as usize..b.as_ptr() as usize + b.len();
    let own = [at(&key), at(&needle)];
    let account = Account::totp("Google", "wipe-me@example.com", Secret::new(key.clone()));
    let link = encode_migration(std::slice::from_ref(&account), &BatchInfo::default()).unwrap();
    drop(account);
    let batch = parse_migration(&link).unwrap();
    assert_eq!(batch.entries.len(), 1);
    drop(batch);
    drop(link);
    let left = copies_in_memory(&needle, &own);
    assert!(
        left.is_empty(),
        "{} copies of a key left after reading an export",
        left.len()
    );
}
