import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const here = dirname(fileURLToPath(import.meta.url));

/** The npm packages whose code ends up in the bundle, for the third-party notices
 * (scripts/third-party-notices): written next to them, outside `dist`, which ships. */
function bundledPackages(): Plugin {
  return {
    name: "tweestap-bundled-packages",
    apply: "build",
    generateBundle(_options, bundle) {
      const names = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        for (const id of Object.keys(output.modules)) {
          const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id.replaceAll("\\", "/"));
          if (match?.[1]) names.add(match[1]);
        }
      }
      const out = resolve(here, "../src-tauri/gen/notices/npm-packages.json");
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify([...names].sort(), null, 1) + "\n");
    },
  };
}

// Tauri expects a fixed dev port and must not be cleared from the terminal.
export default defineConfig({
  plugins: [svelte(), bundledPackages()],
  clearScreen: false,
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // Source maps would ship the source to every user for no benefit here.
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
