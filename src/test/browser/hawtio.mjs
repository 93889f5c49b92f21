// Opens Hawtio the way an operator does (its first page, which connects it to the application) in Debian's
// Chromium, opens the Camel routes of the application's context and prints what the routes table shows, one JSON
// line per route {"route": …, "state": …, "total": …}, then whether the JMX tree holds the pipelines' own MBeans
// {"pipelineBeans": true}; takes a screenshot of the routes table. HawtioIT checks the numbers.
// usage: node hawtio.mjs <hawtio url> <screenshot.png> [user password]
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
  page.on('console', (m) => { if (m.type() === 'error') console.error('browser:', m.text()); });
  process.on('exit', () => {});
  await page.goto(url);
  await page.waitForURL(/\/hawtio\//, { timeout: 30000 });
  // the Camel tree appears once Hawtio, through its proxy, has listed the application's MBeans
  await page.getByText('routes', { exact: true }).first().click({ timeout: 60000 })
    .catch(async (e) => { await page.screenshot({ path: shot + '.failed.png' }); console.error(page.url()); throw e; });
  const rows = page.locator('table tbody tr');
  await rows.first().waitFor({ timeout: 60000 });
  const headers = (await page.locator('table thead th').allInnerTexts()).map((h) => h.trim().toLowerCase());
  for (const row of await rows.all()) {
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    const cell = (name) => cells[headers.indexOf(name)];
    console.log(JSON.stringify({ route: cell('name'), state: cell('state'), total: Number(cell('total')) }));
  }
  await page.screenshot({ path: shot });
  await page.getByText('JMX', { exact: true }).first().click();
  const found = await page.getByText('io.camelpipelines', { exact: true }).first()
    .waitFor({ timeout: 30000 }).then(() => true, () => false);
  console.log(JSON.stringify({ pipelineBeans: found }));
} finally {
  await browser.close();
}
