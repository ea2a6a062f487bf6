/**
 * A Svelte action that reports when an element enters or leaves the visible part of the
 * window (with a small margin), so that work nobody can see (a countdown ring scrolled out of
 * view) can stop. One IntersectionObserver serves every element; it only calls back when
 * something crosses the edge, so it costs nothing while the list is still.
 */
export type VisibilityCallback = (visible: boolean) => void;

const callbacks = new WeakMap<Element, VisibilityCallback>();
let observer: IntersectionObserver | null = null;

function sharedObserver(): IntersectionObserver | null {
  if (typeof IntersectionObserver === "undefined") return null;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) callbacks.get(entry.target)?.(entry.isIntersecting);
    },
    { rootMargin: "64px" },
  );
  return observer;
}

export function onscreen(node: Element, callback: VisibilityCallback): { destroy(): void } {
  const shared = sharedObserver();
  if (!shared) {
    callback(true);
    return { destroy() {} };
  }
  callbacks.set(node, callback);
  shared.observe(node);
  return {
    destroy() {
      shared.unobserve(node);
      callbacks.delete(node);
    },
  };
}
