// Seed steps 1–9 through the console in a real browser, against a real `metergraph dev`:
// sign in with the printed credentials, create a product with a meter and a plan, create
// an account on that plan, submit test usage from the meter page, run bills and follow the
// job to COMPLETE, open the bill, check its exact total, approve and lock it.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const baseURL = () => process.env.E2E_BASE_URL!;

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

// Last calendar month (UTC): usage falls in it, and bills are run for it.
const now = new Date();
const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
const usageAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 12));

// Serious and critical WCAG A/AA problems found by axe on the page as it is now.
async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

function shooter(page: Page, title: string) {
  const folder = join('test-results', 'screenshots', title.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  mkdirSync(folder, { recursive: true });
  let count = 0;
  const problems: string[] = [];
  const shot = async (name: string) => {
    problems.push(...(await accessibilityProblems(page)).map((p) => `${name}: ${p}`));
    count += 1;
    await page.screenshot({ path: join(folder, `${String(count).padStart(2, '0')}-${name}.png`), fullPage: false });
  };
  return Object.assign(shot, { problems });
}

// Prints (never asserts) how long the bill page's one GraphQL query takes, as the browser
// sees it: request sent to response body received, over 20 reloads.
async function measureBillQuery(page: Page) {
  const times: number[] = [];
  const record = async (response: import('@playwright/test').Response) => {
    if (!response.url().endsWith('/graphql') || !response.request().postData()?.includes('query BillPage')) return;
    await response.finished();
    const timing = response.request().timing();
    times.push(timing.responseEnd - timing.requestStart);
  };
  page.on('response', record);
  for (let i = 0; i < 20; i++) {
    await page.reload();
    await expect(page.getByLabel('Bill total')).toBeVisible();
  }
  page.off('response', record);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(`bill page query (BillPage): n=${times.length} p50=${at(0.5)} ms p90=${at(0.9)} ms`);
}

async function signIn(page: Page) {
  await page.goto(`${baseURL()}/console`);
  await page.getByRole('textbox', { name: 'Access key id' }).fill(process.env.E2E_ACCESS_KEY_ID!);
  await page.getByRole('textbox', { name: 'API secret' }).fill(process.env.E2E_API_SECRET!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'Products', exact: true })).toBeVisible();
}

test('seed steps through the console: product, account, test usage, bill run, bill', async ({ page }, info) => {
  const shot = shooter(page, info.title);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${baseURL()}/console`);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await shot('sign-in');
  await signIn(page);
  for (const name of ['Organization', 'Products', 'Accounts', 'Run bills', 'Bills', 'Bill jobs']) {
    await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  }

  // Steps 1–6: a product with a meter, an aggregation, a plan and its tiered pricing.
  await page.getByRole('link', { name: 'Organization' }).click();
  await expect(page.getByRole('heading', { name: 'Organization' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Configuration' })).toBeVisible();
  await shot('organization');
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await expect(page.getByText('No products yet')).toBeVisible();
  await page.getByRole('link', { name: 'New product' }).click();
  await page.getByLabel('Product name').fill('Metered API');
  await page.getByLabel('Product code').fill('metered_api');
  await page.getByLabel('Meter name').fill('API calls');
  await page.getByLabel('Meter code').fill('api_calls');
  await page.getByLabel('Data field 1 code').fill('calls');
  await page.getByLabel('Data field 1 name').fill('Calls');
  await page.getByRole('button', { name: 'Add data field' }).click();
  await page.getByLabel('Data field 2 code').fill('region');
  await page.getByLabel('Aggregation name').fill('Calls');
  await page.getByLabel('Aggregation code').fill('calls_sum');
  await page.getByLabel('Target field').fill('calls');
  await page.getByLabel('Plan name').fill('Starter');
  await page.getByLabel('Plan code').fill('starter');
  await page.getByLabel('Pricing start date').fill(day(monthStart));
  await page.getByLabel('Band 1 unit price').fill('0.50');
  await page.getByRole('button', { name: 'Add band' }).click();
  await page.getByLabel('Band 2 lower limit').fill('100');
  await page.getByLabel('Band 2 unit price').fill('0.25');
  // The live preview is the API's band function: 150 units = 100 × 0.50 + 50 × 0.25.
  await page.getByLabel('Preview units').fill('150');
  await expect(page.getByRole('status', { name: 'Preview' })).toContainText('62.50');
  // An invalid band shows the API's userError on its cell.
  await page.getByLabel('Band 2 lower limit').fill('0');
  await expect(page.getByText("lowerLimit must be greater than the previous band's")).toBeVisible();
  await page.getByLabel('Band 2 lower limit').fill('100');
  await expect(page.getByRole('status', { name: 'Preview' })).toContainText('62.50');
  await shot('new-product');
  await page.getByRole('button', { name: 'Create product' }).click();

  await expect(page.getByRole('heading', { name: 'Metered API' })).toBeVisible();
  await shot('product');
  // The pricing editor previews through the API: 100 units in the first band = 50.00.
  await page.getByRole('link', { name: 'Pricing of Calls' }).click();
  await expect(page.getByRole('status', { name: 'Preview' })).toContainText('100 units cost 50.00');
  await page.getByRole('button', { name: 'Save pricing' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await shot('pricing');
  await expect(page.getByText('Saved.')).toBeVisible();

  // Step 7: an account with the plan attached.
  await page.getByRole('link', { name: 'Accounts', exact: true }).click();
  await page.getByRole('link', { name: 'New account' }).click();
  await page.getByLabel('Account code').fill('acme');
  await page.getByLabel('Account name').fill('Acme Corp');
  await page.getByLabel('Email address').fill('billing@acme.test');
  await page.getByRole('combobox', { name: 'Plan' }).selectOption({ label: 'Starter (starter, monthly, USD)' });
  await page.getByLabel('Plan start date').fill(day(monthStart));
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Acme Corp (acme)' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Account plans' })).toContainText('Starter');
  await shot('account');

  // Step 8: test usage from the meter's page, through the ingest API.
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await page.getByRole('link', { name: 'Metered API' }).click();
  await page.getByRole('link', { name: 'API calls' }).click();
  await expect(page.getByRole('heading', { name: 'API calls' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Submit test usage' });
  await expect(form.getByRole('textbox', { name: 'Timestamp' })).toHaveValue(/^\d{4}-\d{2}-\d{2}T/);
  await form.getByRole('textbox', { name: 'Account code' }).fill('acme');
  await form.getByRole('textbox', { name: 'Timestamp' }).fill(usageAt.toISOString());
  await form.getByLabel('calls', { exact: true }).fill('150');
  await form.getByLabel('region', { exact: true }).fill('eu');
  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(form.getByRole('status')).toContainText('stored');
  await expect(page.getByRole('img', { name: /Usage chart: 1 measurements of acme/ })).toBeVisible();
  await shot('meter-after-submission');

  // Step 9: run bills for the account and follow the job live.
  await page.getByRole('link', { name: 'Run bills' }).click();
  await expect(page.getByRole('heading', { name: 'Run bills' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Bill frequency' }).selectOption('MONTHLY');
  await page.getByRole('textbox', { name: 'Billing period end' }).fill(day(periodEnd));
  await page.getByRole('textbox', { name: 'Account codes' }).fill('acme');
  await page.getByRole('button', { name: 'Run bills' }).click();
  await expect(page.getByRole('progressbar', { name: 'Bill job progress' })).toBeVisible();
  await expect(page.getByText('COMPLETE', { exact: true })).toBeVisible();
  await shot('run-bills-complete');
  await page.getByRole('link', { name: 'View bill' }).first().click();

  await expect(page.getByRole('heading', { name: /acme/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Line items' })).toBeVisible();
  await expect(page.getByLabel('Bill total')).toHaveText('62.50 USD');
  await shot('bill');
  await measureBillQuery(page);
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText('APPROVED', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByText('LOCKED', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Recalculate' })).toBeDisabled();
  await shot('bill-approved-locked');

  await page.getByRole('link', { name: 'Bills', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Bills' })).toContainText('acme');
  await shot('bills');
  await page.getByRole('link', { name: 'Bill jobs' }).click();
  await expect(page.getByRole('table', { name: 'Bill jobs' })).toContainText('COMPLETE');
  await shot('bill-jobs');

  // The same pages at phone width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('link', { name: 'Bills', exact: true }).click();
  await page.getByRole('link', { name: 'acme' }).first().click();
  await expect(page.getByLabel('Bill total')).toHaveText('62.50 USD');
  await shot('bill-390');
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await page.getByRole('link', { name: 'Metered API' }).click();
  await page.getByRole('link', { name: 'API calls' }).click();
  await expect(form.getByRole('button', { name: 'Submit' })).toBeVisible();
  await shot('meter-390');
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('link', { name: 'Run bills' }).click();
  await expect(page.getByRole('heading', { name: 'Run bills' })).toBeVisible();
  await shot('run-bills-390');
  expect(pageErrors).toEqual([]);
  // Every page screenshotted above was also checked with axe.
  expect(shot.problems).toEqual([]);
});

test('sign out forgets the token', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('metergraph.session'))).toBeNull();
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Access key id' })).toBeVisible();
});

test('a token the API refuses sends the user back to sign in', async ({ page }) => {
  await signIn(page);
  await page.evaluate(() => {
    const stored = JSON.parse(sessionStorage.getItem('metergraph.session')!);
    sessionStorage.setItem('metergraph.session', JSON.stringify({ ...stored, token: 'not-a-token' }));
  });
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Access key id' })).toBeVisible();
});

test('bad credentials are refused where the user acted', async ({ page }) => {
  await page.goto(`${baseURL()}/console`);
  await page.getByRole('textbox', { name: 'Access key id' }).fill('NOPE');
  await page.getByRole('textbox', { name: 'API secret' }).fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Sign in failed');
});

const PASSWORD = 'correct horse battery';

// Invites a user on the Organization page (the admin is signed in), then accepts the
// invitation outside the console, as the invitee's link would: through the API.
async function inviteAndAccept(page: Page, request: APIRequestContext, email: string, first: string, last: string) {
  await page.getByRole('link', { name: 'Organization' }).click();
  await page.getByLabel('Email of the new user').fill(email);
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByRole('button', { name: 'Invite' }).click();
  const shown = await page.getByRole('status').filter({ hasText: 'Invitation token' }).textContent();
  const accepted = await request.post(`${baseURL()}/graphql`, {
    data: {
      query: 'mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { userErrors { message } } }',
      variables: { t: shown!.split('(shown once): ')[1].trim(), p: PASSWORD },
    },
  });
  expect((await accepted.json()).data.acceptInvitation.userErrors).toEqual([]);
}

async function signInByEmail(page: Page, email: string) {
  await page.getByRole('tab', { name: 'Email and password' }).click();
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a user invited through the console signs in with email and password', async ({ page, request }) => {
  await signIn(page);
  await inviteAndAccept(page, request, 'ann@example.test', 'Ann', 'Lee');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInByEmail(page, 'ann@example.test');
  await expect(page.getByRole('link', { name: 'Bills', exact: true })).toBeVisible();
});

test('a user deactivated in the console cannot sign in until reactivated', async ({ page, request }) => {
  await signIn(page);
  await inviteAndAccept(page, request, 'bo@example.test', 'Bo', 'Ek');
  await page.reload();

  await page.getByRole('button', { name: 'Deactivate bo@example.test' }).click();
  await expect(page.getByRole('button', { name: 'Reactivate bo@example.test' })).toBeVisible();
  await expect(page.getByText('<bo@example.test> · INACTIVE')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInByEmail(page, 'bo@example.test');
  await expect(page.getByRole('alert')).toContainText('Sign in failed');

  await signIn(page);
  await page.getByRole('link', { name: 'Organization' }).click();
  await page.getByRole('button', { name: 'Reactivate bo@example.test' }).click();
  await expect(page.getByRole('button', { name: 'Deactivate bo@example.test' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInByEmail(page, 'bo@example.test');
  await expect(page.getByRole('link', { name: 'Bills', exact: true })).toBeVisible();
});

test('keyboard alone signs in and moves between pages', async ({ page }) => {
  await page.goto(`${baseURL()}/console`);
  await page.getByRole('textbox', { name: 'Access key id' }).focus();
  await page.keyboard.type(process.env.E2E_ACCESS_KEY_ID!);
  await page.keyboard.press('Tab');
  await page.keyboard.type(process.env.E2E_API_SECRET!);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: 'Run bills' })).toBeVisible();
  for (let presses = 0; presses < 20; presses++) {
    await page.keyboard.press('Tab');
    if (await page.getByRole('link', { name: 'Run bills' }).evaluate((link) => link === document.activeElement)) break;
  }
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Run bills' })).toBeVisible();
  // The form answers the keyboard too: Enter in a field submits, and a bad date is named.
  await page.getByRole('textbox', { name: 'Billing period end' }).fill('30/11/2026');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Enter a date as YYYY-MM-DD')).toBeVisible();
});
