/** One short message at a time ("Copied", "Removed … Undo"), announced politely. */
export interface Toast {
  text: string;
  action?: { label: string; run: () => void };
}

class Toasts {
  current = $state<Toast | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;

  show(toast: Toast, ms = 4000): void {
    clearTimeout(this.timer);
    this.current = toast;
    this.timer = setTimeout(() => (this.current = null), ms);
  }

  dismiss(): void {
    clearTimeout(this.timer);
    this.current = null;
  }
}

export const toasts = new Toasts();
