// Opens Hawtio the way an operator does (its first page, which connects it to the application) in Debian's
// Chromium, goes to the Camel routes of the application's context, and prints what the routes table shows as
// JSON lines {"route": …, "state": …, "total": …}; takes a screenshot. HawtioIT checks the numbers.
// usage: node hawtio.mjs <hawtio url> <screenshot.png> [user] [password]
import { chromium } from 'playwright-core';

const [url, shot, user, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    httpCredentials: user ? { username: user, password } : undefined,
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForURL(/\/hawtio\//, { timeout: 30000 });
  // the Camel plugin appears once Hawtio has listed the remote JVM's MBeans
  await page.getByRole('link', { name: 'Camel', exact: true }).first().click({ timeout: 60000 });
  await page.getByText('camel-pipelines', { exact: true }).first().click({ timeout: 60000 });
  await page.getByRole('tab', { name: 'Routes' }).first().click({ timeout: 30000 });
  const table = page.locator('table');
  await table.locator('tbody tr').first().waitFor({ timeout: 60000 });
  const headers = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
  for (const row of await table.locator('tbody tr').all()) {
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    const cell = (name) => cells[headers.findIndex((h) => h.toLowerCase() === name)];
    console.log(JSON.stringify({ route: cell('name'), state: cell('state'), total: cell('total') }));
  }
  await page.screenshot({ path: shot, fullPage: false });
} finally {
  await browser.close();
}
