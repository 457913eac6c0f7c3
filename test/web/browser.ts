// Debian's Chromium driven by playwright-core for the dashboard's end-to-end tests; never a
// downloaded browser. Missing Chromium: the tests skip with one line, unless NASKIT_REQUIRE_BROWSER=1.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. Throws when NASKIT_REQUIRE_BROWSER=1 and Chromium is missing. */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.NASKIT_REQUIRE_BROWSER === '1') throw new Error(`NASKIT_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing; run scripts/install-system-deps.sh (apt-get install chromium)`);
  return `${CHROMIUM} is missing (apt-get install chromium); dashboard browser tests skipped; set NASKIT_REQUIRE_BROWSER=1 to make this a failure`;
}

/** A headless Chromium with a fresh profile, nothing in the background, no network but what the page asks. */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'naskit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 1000 },
  });
  return {
    browser: context.browser()!,
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
