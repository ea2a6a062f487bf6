//! Finding accounts by what a person typed (the CLI's account arguments).

use super::error::Result;
use super::record::AccountSummary;
use super::{Vault, VaultError};

/// The rules of [`Vault::find`] over `all`.
fn search(all: Vec<AccountSummary>, query: &str) -> Vec<AccountSummary> {
    let q = query.trim();
    if let Some(exact) = all.iter().find(|s| s.id == q) {
        return vec![exact.clone()];
    }
    let ql = q.to_lowercase();
    let by_name: Vec<AccountSummary> = all
        .iter()
        .filter(|s| matches_name(s, &ql))
        .cloned()
        .collect();
    if !by_name.is_empty() || q.len() < 4 {
        return by_name;
    }
    all.into_iter().filter(|s| s.id.starts_with(&ql)).collect()
}

/// Whether `lowercase_query` names the account: issuer, account name, `Issuer (account)` or
/// `issuer:account`, ignoring case.
fn matches_name(s: &AccountSummary, lowercase_query: &str) -> bool {
    [
        s.issuer.to_lowercase(),
        s.account.to_lowercase(),
        s.label().to_lowercase(),
        format!("{}:{}", s.issuer, s.account).to_lowercase(),
    ]
    .iter()
    .any(|name| name == lowercase_query)
}

fn one_match(query: &str, mut matches: Vec<AccountSummary>) -> Result<AccountSummary> {
    match matches.len() {
        0 => Err(VaultError::NoMatch {
            query: query.trim().to_string(),
        }),
        1 => Ok(matches.remove(0)),
        _ => Err(VaultError::Ambiguous {
            query: query.trim().to_string(),
            matches: matches
                .iter()
                .map(|s| format!("{} = {}", s.id, s.label()))
                .collect(),
        }),
    }
}

impl Vault {
    /// Live accounts matching what a person typed: an exact id; else issuer, account name,
    /// `Issuer (account)` or `issuer:account`, case-insensitively; else an id prefix of at
    /// least 4 characters. Several results mean the query is ambiguous.
    pub fn find(&self, query: &str) -> Vec<AccountSummary> {
        search(self.list(), query)
    }

    /// Exactly one live account for what a person typed ([`Vault::find`]): `not_found` when
    /// nothing matches, `ambiguous` (naming the candidates) when several do.
    pub fn resolve(&self, query: &str) -> Result<AccountSummary> {
        one_match(query, self.find(query))
    }

    /// As [`Vault::resolve`], among the deleted accounts that can still be restored.
    pub fn resolve_deleted(&self, query: &str) -> Result<AccountSummary> {
        one_match(query, search(self.list_deleted(), query))
    }
}
