// End-to-end: a damaged vault opens on the repair screen, and Restore puts its previous
// version back (the damaged file kept beside it); a vault that opens is never replaced, even
// when a front end asks for the restore through IPC.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { addLink, byId, cliList, createVault, invoke, launch, newHome, quit, vaultOf, withIssuer } from "./helpers.mjs";

describe("Restoring the vault from its backup", () => {
  const home = newHome();
  let app;

  after(async () => quit(app));

  it("refuses to replace a vault that opens, whoever asks", async () => {
    app = await launch("nl_NL.UTF-8", home);
    await createVault(app.session, { keyring: true });
    const uri = byId("basic-google-example").input;
    await addLink(app.session, withIssuer(uri, "Eerste"));
    await addLink(app.session, withIssuer(uri, "Tweede"));
    await app.session.waitFor('[data-testid="code"]');
    const before = readFileSync(vaultOf(home));
    const refused = await invoke(app.session, "restore_vault_backup");
    assert.equal(refused.ok, false, JSON.stringify(refused));
    assert.equal(refused.error.kind, "vault_healthy");
    assert.deepEqual(readFileSync(vaultOf(home)), before, "the vault was not touched");
    assert.equal(cliList(home).length, 2);
    await quit(app);
    app = undefined;
  });

  it("shows a damaged vault and puts its previous version back, keeping the damaged file", async () => {
    const path = vaultOf(home);
    const damaged = readFileSync(path);
    damaged[damaged.length - 1] ^= 0x01;
    writeFileSync(path, damaged);

    app = await launch("nl_NL.UTF-8", home);
    const s = app.session;
    const error = await s.waitFor('[data-testid="damaged-error"]', { timeoutMs: 30000 });
    assert.equal(await s.attribute(error, "data-error-kind"), "integrity_error");
    assert.match(await s.text(error), /beschadigd/);
    await s.click(await s.find('[data-testid="restore-backup"]'));
    await s.waitFor('[data-testid="app"][data-vault="unlocked"]', { timeoutMs: 30000 });
    await s.waitFor('[data-testid="code"]');
    // The previous version: the vault before the second account was added.
    assert.deepEqual(
      cliList(home).map((a) => a.issuer),
      ["Eerste"],
    );
    const kept = readdirSync(dirname(path)).filter((name) => name.includes(".damaged-"));
    assert.equal(kept.length, 1, readdirSync(dirname(path)).join(", "));
    assert.deepEqual(readFileSync(`${dirname(path)}/${kept[0]}`), damaged, "the damaged file is kept as it was");
  });
});
