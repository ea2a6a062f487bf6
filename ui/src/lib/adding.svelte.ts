import { toAppError, type AddedAccount, type AppError } from "./ipc";

/**
 * An add form's state: busy while its call runs, the error the call failed with, and a
 * conflict (the login is stored with another key) that waits for the person to choose.
 */
export class Adding {
  busy = $state(false);
  error = $state<AppError | null>(null);
  conflict = $state<AddedAccount | null>(null);

  /** Runs `call`: a conflict waits for the person's choice, any other outcome goes to `done`. */
  async run(call: () => Promise<AddedAccount>, done: (added: AddedAccount) => void): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      const added = await call();
      if (added.status === "conflict") {
        this.conflict = added;
        return;
      }
      this.conflict = null;
      done(added);
    } catch (e) {
      this.error = toAppError(e);
    } finally {
      this.busy = false;
    }
  }
}
