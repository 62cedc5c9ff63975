// The seed's 免登 journeys in a real headless Chromium, against `marketsim sandbox`, acted out by
// the labels a person sees (立即开通, 开通, 确定, 免登, 登录, 注册, 确认绑定, 账单, 查看阿里云账单), once
// with JavaScript on and once with it off. Run without CI set, it also refreshes the screenshots
// in docs/screenshots/.
//
//   node seed-journeys.mjs [--only NAME] [--js on|off] [--bin PATH]
//
// Prints `ok  NAME (js on)` / `FAIL NAME (js off)` per journey and closes with `N passed, M failed`.

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './sandbox.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

// ---------------------------------------------------------------------------------------------
// Options

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = option('--only');
const jsModes = { on: [true], off: [false] }[option('--js')] ?? [true, false];
const binary = resolve(option('--bin') ?? process.env.MARKETSIM_BIN ?? join(repo, 'target', 'release', 'marketsim'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const inCi = Boolean(process.env.CI);
const screenshotDir = join(repo, 'docs', 'screenshots');
const failureDir = join(tmpdir(), 'marketsim-browser-failures');

const ACTION_TIMEOUT = 10_000;
const NAVIGATION_TIMEOUT = 15_000;
const PROVISIONING_TIMEOUT = 30_000;

// ---------------------------------------------------------------------------------------------
// The seed's words

const LABEL = {
  open: '立即开通',
  openDialog: '开通按量服务',
  agreement: '同意商品在线协议及云市场平台服务协议',
  openButton: '开通',
  agreementRefusal: '请先阅读并勾选',
  submitted: '开通申请已提交，约需要1 - 5分钟完成开通',
  purchased: '已购买服务列表',
  opening: '开通中',
  opened: '已开通',
  sso: '免登',
  notice: '提示',
  ok: '确定',
  wizard: '授权使用 阿里云 云市场扣费',
  bindConfirm: '确认绑定',
  success: '授权成功',
  enter: '进入 Zilliz Cloud',
  billing: '账单',
  overview: '账单概览',
  channel: '云市场扣费渠道',
  marketplaceBill: '查看阿里云账单',
  bill: '账单详情',
  // 包年包月: the 开通 dialog's choices, 详情, 续费 and 自动续费.
  plan: '规格',
  term: '购买时长',
  quote: '查看价格',
  subscriptionDialog: '开通包年包月服务',
  expires: '到期时间',
  detail: '详情',
  renew: '续费',
  renewTerm: '续费时长',
  renewConfirm: '确认续费',
  autoRenewal: '自动续费',
  autoRenewalTerm: '每次续费',
  autoRenewalOn: '开启自动续费',
  autoRenewalOff: '关闭自动续费',
};

const PRODUCT = 'Zilliz Cloud';
const BUYERS = {
  one: { login: 'buyer-1', password: 'buyer-1-pass' },
  two: { login: 'buyer-2', password: 'buyer-2-pass' },
};
const ADMIN = { email: 'miaomiao@zilliz.com', password: 'miaomiao-pass-1', name: 'miaomiao', org: 'Zilliz' };
const MEMBER = { email: 'xiaoming@zilliz.com', password: 'xiaoming-pass-1', name: 'xiaoming' };
const NEWCOMER = { email: 'dawei@example.com', password: 'dawei-pass-1', name: 'dawei', org: 'Dawei Lab' };
// fixtures/marketplace.yaml's cmgj00061912-standard: ¥299.00 a month, ¥2990.00 for 12 months (1年).
const STANDARD = { plan: '包年包月 标准版', month: '1个月', monthPrice: '¥299.00', year: '1年', yearPrice: '¥2990.00' };

// ---------------------------------------------------------------------------------------------
// Screenshots: one PNG per key page, taken with JavaScript on, when not in CI.

// [file name, caption, the journey that takes it]: the seed's own pictures are of miaomiao
// binding Zilliz, so the shared pages come from that journey.
const NEW = 'new-user-registers-and-binds';
const ADMIN_BINDS = 'existing-admin-signs-in-and-binds';
const AGAIN = 'bound-instance-goes-straight-in-twice';
const MEMBER_CREATES = 'member-creates-org-and-binds';
const SIGNED_IN_FIRST = 'signed-in-admin-goes-straight-to-step-2';
const SUBSCRIPTION = 'subscription-bought-and-renewed';
const SHOTS = [
  ['01-product', '商品页：Zilliz Cloud，立即开通', ADMIN_BINDS],
  ['02-marketplace-signin', '登录阿里云账号', ADMIN_BINDS],
  ['03-open-dialog', '开通按量服务（勾选协议前，开通不可用）', ADMIN_BINDS],
  ['04-open-submitted', '提示：开通申请已提交，约需要1 - 5分钟完成开通', ADMIN_BINDS],
  ['05-purchased-services', '云市场控制台：已购买服务列表，已开通，免登', ADMIN_BINDS],
  ['06-sso-notice', '免登：提示', ADMIN_BINDS],
  ['07-wizard-1-login', '授权使用 阿里云 云市场扣费：1 登录账号', ADMIN_BINDS],
  ['08-wizard-1-register', '授权使用 阿里云 云市场扣费：1 登录账号（注册）', NEW],
  ['09-wizard-2-bind', '授权使用 阿里云 云市场扣费：2 绑定组织', ADMIN_BINDS],
  ['10-wizard-2-nothing-to-bind', '2 绑定组织：没有可以绑定的组织，确认绑定不可用', MEMBER_CREATES],
  ['11-create-org', '创建组织', MEMBER_CREATES],
  ['12-wizard-3-success', '授权使用 阿里云 云市场扣费：3 完成授权（授权成功）', ADMIN_BINDS],
  ['13-console-projects', 'Zilliz Cloud 控制台：项目（再次单击免登，无须登录）', AGAIN],
  ['14-billing-overview', '账单概览：云市场扣费渠道，阿里云 云市场，查看阿里云账单', ADMIN_BINDS],
  ['15-marketplace-bill', '阿里云云市场：账单详情（查看阿里云账单）', ADMIN_BINDS],
  ['16-renew', '续费：续费时长 1年，查看价格（应付金额，新的到期时间）', SUBSCRIPTION],
  ['17-service-detail', '详情：到期时间，自动续费，订单（新购、续费）', SUBSCRIPTION],
];
const shotsTaken = new Set();

async function screenshot(ctx, name) {
  const shot = SHOTS.find(([n]) => n === name);
  if (!shot) throw new Error(`unknown screenshot ${name}`);
  if (!ctx.screenshots || shot[2] !== ctx.journey || shotsTaken.has(name)) return;
  mkdirSync(screenshotDir, { recursive: true });
  await ctx.page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled', caret: 'hide' });
  shotsTaken.add(name);
}

function writeScreenshotIndex() {
  const lines = [
    '# Screenshots',
    '',
    'The seed journey in `marketsim sandbox`, as headless Chromium shows it (1280×800). Refreshed by',
    '`.ci/browser` when run locally (CI unset); see `tests/browser/README.md`.',
    '',
  ];
  for (const [name, caption] of SHOTS) {
    if (shotsTaken.has(name)) lines.push(`- ${caption}`, '', `  ![${caption}](${name}.png)`, '');
  }
  writeFileSync(join(screenshotDir, 'README.md'), lines.join('\n'));
  // Pictures of pages no journey shows any more go.
  for (const file of readdirSync(screenshotDir)) {
    if (file.endsWith('.png') && !shotsTaken.has(file.slice(0, -4))) rmSync(join(screenshotDir, file));
  }
}

// ---------------------------------------------------------------------------------------------
// Acting by label

/** Names what the journey is doing now, for the failure report. */
function step(ctx, what) {
  ctx.step = what;
}

const link = (scope, name) => scope.getByRole('link', { name, exact: true });
const button = (scope, name) => scope.getByRole('button', { name, exact: true });
const field = (scope, label) => scope.getByLabel(label, { exact: true });
// A select named by its label (getByLabel would also read the options inside the <label>).
const choice = (scope, label) => scope.getByRole('combobox', { name: label, exact: true });

async function visible(locator, timeout = NAVIGATION_TIMEOUT) {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** Waits until `text` is visible on the page. */
async function sees(ctx, text, options = {}) {
  await visible(ctx.page.getByText(text, options).first());
}

async function expectTrue(condition, message) {
  if (!(await condition)) throw new Error(message);
}

/** Clicks `locator` and waits for `next` (a locator on the page that follows) to be visible. */
async function clickTo(locator, next) {
  await visible(locator, ACTION_TIMEOUT);
  await locator.click({ timeout: ACTION_TIMEOUT });
  if (next) await visible(next);
}

async function onOrigin(ctx, origin) {
  await ctx.page.waitForURL((url) => url.origin === origin, { timeout: NAVIGATION_TIMEOUT });
}

// ---------------------------------------------------------------------------------------------
// The journey's parts

/**
 * 立即开通 → 登录 → 开通按量服务 → 开通 → 提示 → 确定 → 已购买服务列表, until 已开通. `choose`, if
 * given, chooses in the dialog before 开通 and returns the title of the dialog it leads to.
 */
async function openService(ctx, buyer, { alreadyOnProductPage = false, choose } = {}) {
  const { page, sandbox } = ctx;
  if (!alreadyOnProductPage) {
    step(ctx, `open the product page ${sandbox.productUrl}`);
    await page.goto(sandbox.productUrl);
  }
  step(ctx, `product page: ${PRODUCT} with ${LABEL.open}`);
  await visible(page.getByRole('heading', { name: PRODUCT, exact: true }));
  await screenshot(ctx, '01-product');

  step(ctx, `click ${LABEL.open} (signed out: the marketplace asks to sign in)`);
  await clickTo(link(page, LABEL.open), field(page, '账号名'));
  await screenshot(ctx, '02-marketplace-signin');
  step(ctx, `sign in to the marketplace as ${buyer.login}`);
  await field(page, '账号名').fill(buyer.login);
  await field(page, '密码').fill(buyer.password);
  let title = LABEL.openDialog;
  let dialog = page.getByRole('dialog', { name: title });
  await clickTo(button(page, '登录'), dialog);
  if (choose) {
    title = await choose(ctx, dialog);
    dialog = page.getByRole('dialog', { name: title });
  }

  step(ctx, `${title}: ${LABEL.openButton} needs ${LABEL.agreement}`);
  const agree = dialog.getByRole('checkbox', { name: LABEL.agreement, exact: true });
  const open = button(dialog, LABEL.openButton);
  await visible(agree);
  await expectTrue(agree.isChecked().then((c) => !c), `${LABEL.agreement} is ticked before anyone ticked it`);
  if (ctx.js) {
    await expectTrue(open.isDisabled(), `with JavaScript on, ${LABEL.openButton} is enabled before ${LABEL.agreement} is ticked`);
    await screenshot(ctx, '03-open-dialog');
  } else {
    step(ctx, `${title}: ${LABEL.openButton} without ticking the agreement is refused`);
    await clickTo(open, page.getByRole('alert').filter({ hasText: LABEL.agreementRefusal }));
    await visible(agree);
  }

  step(ctx, `tick ${LABEL.agreement} and click ${LABEL.openButton}`);
  await agree.check({ timeout: ACTION_TIMEOUT });
  await expectTrue(open.isEnabled(), `${LABEL.openButton} is still disabled after ticking ${LABEL.agreement}`);
  const notice = page.getByRole('dialog', { name: LABEL.notice });
  await clickTo(open, notice.getByText(LABEL.submitted, { exact: true }));
  await screenshot(ctx, '04-open-submitted');

  step(ctx, `${LABEL.notice}: ${LABEL.ok} leads to ${LABEL.purchased}`);
  await clickTo(link(notice, LABEL.ok), page.getByRole('heading', { name: LABEL.purchased, exact: true }));

  step(ctx, `${LABEL.purchased}: wait until ${PRODUCT} is ${LABEL.opened}`);
  await waitUntilOpened(ctx);
  await screenshot(ctx, '05-purchased-services');
}

/** The row of 已购买服务列表 for the product. */
function serviceRow(page) {
  return page.getByRole('row').filter({ has: page.getByRole('cell', { name: PRODUCT, exact: true }) });
}

/** Reloads 已购买服务列表 (it also refreshes itself every 5 s) until the instance is 已开通. */
async function waitUntilOpened(ctx) {
  const { page } = ctx;
  const deadline = Date.now() + PROVISIONING_TIMEOUT;
  for (;;) {
    const row = serviceRow(page);
    await visible(row);
    const text = await row.innerText();
    if (text.includes(LABEL.opened)) return row;
    if (!text.includes(LABEL.opening)) throw new Error(`${PRODUCT} is neither ${LABEL.opening} nor ${LABEL.opened}: ${text}`);
    if (Date.now() > deadline) throw new Error(`${PRODUCT} still ${LABEL.opening} after ${PROVISIONING_TIMEOUT / 1000} s`);
    await page.waitForTimeout(1_000);
    await page.reload();
  }
}

/** 免登 in the product's row → 提示 → 确定: the browser leaves for the vendor console. */
async function ssoFromServices(ctx) {
  const { page, sandbox } = ctx;
  step(ctx, `${LABEL.purchased}: click ${LABEL.sso} in the ${PRODUCT} row`);
  const notice = page.getByRole('dialog', { name: LABEL.notice });
  await clickTo(link(serviceRow(page), LABEL.sso), notice);
  await screenshot(ctx, '06-sso-notice');
  step(ctx, `${LABEL.notice}: click ${LABEL.ok} (to the vendor console)`);
  await clickTo(button(notice, LABEL.ok));
  await onOrigin(ctx, sandbox.consoleOrigin);
}

/** Step 1 of the wizard, as 免登 opens it for a visitor signed out of the console. */
async function atWizardLogin(ctx) {
  const { page } = ctx;
  step(ctx, `vendor console: ${LABEL.wizard}, step 1 登录账号`);
  await visible(page.getByRole('heading', { name: LABEL.wizard, exact: true }));
  await sees(ctx, '1 登录账号', { exact: true });
  await visible(field(page, '企业邮箱'));
  await visible(link(page, '注册'));
  await screenshot(ctx, '07-wizard-1-login');
}

async function signInToConsole(ctx, user) {
  const { page } = ctx;
  step(ctx, `step 1: sign in to the console as ${user.email}`);
  await field(page, '企业邮箱').fill(user.email);
  await field(page, '密码').fill(user.password);
  await clickTo(button(page, '登录'), page.getByText('2 绑定组织', { exact: true }));
}

/** Step 2's radio for organisation `org` (its name in the 组织名称 column is the radio's label). */
function orgRadio(page, org) {
  return page.getByRole('radio', { name: org, exact: true });
}

/** Step 2: choose `org` and 确认绑定; step 3: 授权成功 names it. */
async function bindOrg(ctx, org, shot) {
  const { page } = ctx;
  step(ctx, `step 2 绑定组织: choose ${org} and click ${LABEL.bindConfirm}`);
  await visible(page.getByRole('columnheader', { name: '组织名称', exact: true }));
  await visible(page.getByRole('columnheader', { name: '组织 ID', exact: true }));
  await visible(page.getByRole('columnheader', { name: '成员人数', exact: true }));
  const radio = orgRadio(page, org);
  await radio.check({ timeout: ACTION_TIMEOUT });
  if (shot) await screenshot(ctx, shot);
  await clickTo(button(page, LABEL.bindConfirm), page.getByRole('heading', { name: LABEL.success, exact: true }));
  step(ctx, `step 3 完成授权: ${LABEL.success}`);
  await sees(ctx, '3 完成授权', { exact: true });
  await sees(ctx, `您的组织 ${org} 已成功开通阿里云云市场扣费。`, { exact: true });
  await screenshot(ctx, '12-wizard-3-success');
  step(ctx, `click ${LABEL.enter}`);
  await clickTo(link(page, LABEL.enter), page.getByRole('heading', { name: '项目', exact: true }));
}

/** In the console as `user`: 账单 → 账单概览 → 云市场扣费渠道 → 查看阿里云账单 → the marketplace's bill. */
async function toMarketplaceBill(ctx, user) {
  const { page, sandbox } = ctx;
  step(ctx, `console: signed in as ${user.name}, click ${LABEL.billing} in the top navigation`);
  await visible(page.getByRole('banner').getByText(user.name, { exact: true }));
  await clickTo(link(page.getByRole('banner'), LABEL.billing), link(page, LABEL.overview));
  step(ctx, `${LABEL.overview}: ${LABEL.channel} shows 阿里云 云市场 and ${LABEL.marketplaceBill}`);
  const channel = page.locator('section').filter({ has: page.getByRole('heading', { name: LABEL.channel, exact: true }) });
  await visible(channel);
  const text = (await channel.innerText()).replace(/\s+/g, ' ');
  if (!text.includes('阿里云 云市场')) throw new Error(`${LABEL.channel} does not say 阿里云 云市场: ${text}`);
  await screenshot(ctx, '14-billing-overview');
  step(ctx, `${LABEL.channel}: click ${LABEL.marketplaceBill}`);
  await clickTo(link(channel, LABEL.marketplaceBill));
  await onOrigin(ctx, sandbox.marketplaceOrigin);
  step(ctx, `marketplace: ${LABEL.bill}`);
  await visible(page.getByRole('heading', { name: LABEL.bill, exact: true }));
  const balance = async () => Number((await page.locator('#balance').innerText()).replace(/[¥\s,]/g, ''));
  const before = await balance();
  if (!Number.isFinite(before)) throw new Error(`账户余额 is not an amount: ${await page.locator('#balance').innerText()}`);
  await screenshot(ctx, '15-marketplace-bill');
  const after = `¥${(before + 12.34).toFixed(2)}`;
  step(ctx, `${LABEL.bill}: 充值 ¥12.34 → 账户余额 ${after}`);
  await field(page, '充值金额（元）').fill('12.34');
  await clickTo(button(page, '充值'), page.locator('#balance').getByText(after, { exact: true }));
}

/** In the 开通 dialog: 规格 包年包月 标准版, 查看价格; 购买时长 1个月, 查看价格: 应付金额 ¥299.00. */
async function chooseStandardMonth(ctx, dialog) {
  const { page } = ctx;
  step(ctx, `${LABEL.openDialog}: ${LABEL.plan} ${STANDARD.plan}, ${LABEL.quote}`);
  await choice(dialog, LABEL.plan).selectOption({ label: STANDARD.plan }, { timeout: ACTION_TIMEOUT });
  const subscription = page.getByRole('dialog', { name: LABEL.subscriptionDialog });
  await clickTo(button(dialog, LABEL.quote), subscription);
  await visible(subscription.getByText(`${LABEL.plan}：${STANDARD.plan}（`, { exact: false }));
  step(ctx, `${LABEL.subscriptionDialog}: ${LABEL.term} ${STANDARD.month}, ${LABEL.quote}`);
  await choice(subscription, LABEL.term).selectOption({ label: STANDARD.month }, { timeout: ACTION_TIMEOUT });
  // 1个月 is the first term, so the price does not change: wait for the form's choice in the
  // address instead, so the agreement is ticked on the page that 查看价格 brought.
  await clickTo(button(subscription, LABEL.quote));
  await page.waitForURL((url) => url.searchParams.get('months') === '1', { timeout: NAVIGATION_TIMEOUT });
  await visible(subscription.getByText(`应付金额：${STANDARD.monthPrice}`, { exact: true }));
  return LABEL.subscriptionDialog;
}

/** The cell of `row` under the column headed `column` in 已购买服务列表. */
async function cellUnder(page, row, column) {
  const columns = await page.getByRole('columnheader').allInnerTexts();
  const i = columns.map((c) => c.trim()).indexOf(column);
  if (i < 0) throw new Error(`no column ${column} in ${columns.join(' | ')}`);
  return (await row.getByRole('cell').nth(i).innerText()).trim();
}

/** The value in the row headed `name` on 详情. */
function detailValue(page, name) {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) }).getByRole('cell');
}

/** A date and time as the marketplace writes them. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function expectDateTime(text, what) {
  if (!DATE_TIME.test(text)) throw new Error(`${what} is not a date and time: ${text}`);
}

// ---------------------------------------------------------------------------------------------
// The branches

const JOURNEYS = [
  {
    name: NEW,
    async run(ctx) {
      const { page } = ctx;
      await openService(ctx, BUYERS.one);
      await ssoFromServices(ctx);
      await atWizardLogin(ctx);
      step(ctx, 'step 1: 没有账号? 注册');
      await clickTo(link(page, '注册'), button(page, '注册'));
      await sees(ctx, '1 登录账号', { exact: true });
      step(ctx, `step 1: register ${NEWCOMER.email} with organisation ${NEWCOMER.org}`);
      await field(page, '企业邮箱').fill(NEWCOMER.email);
      await field(page, '密码').fill(NEWCOMER.password);
      await field(page, '用户名').fill(NEWCOMER.name);
      await field(page, '组织名称').fill(NEWCOMER.org);
      await screenshot(ctx, '08-wizard-1-register');
      await clickTo(button(page, '注册'), page.getByText('2 绑定组织', { exact: true }));
      await bindOrg(ctx, NEWCOMER.org);
      await toMarketplaceBill(ctx, NEWCOMER);
    },
  },
  {
    name: ADMIN_BINDS,
    async run(ctx) {
      await openService(ctx, BUYERS.two);
      await ssoFromServices(ctx);
      await atWizardLogin(ctx);
      await signInToConsole(ctx, ADMIN);
      await bindOrg(ctx, ADMIN.org, '09-wizard-2-bind');
      await toMarketplaceBill(ctx, ADMIN);
    },
  },
  {
    name: AGAIN,
    async run(ctx) {
      const { page, context, sandbox } = ctx;
      await openService(ctx, BUYERS.one);
      await ssoFromServices(ctx);
      await atWizardLogin(ctx);
      await signInToConsole(ctx, ADMIN);
      await bindOrg(ctx, ADMIN.org);
      await toMarketplaceBill(ctx, ADMIN);
      for (const [i, how] of [
        [1, 'still signed in to the console'],
        [2, 'with no console session at all'],
      ]) {
        step(ctx, `again #${i}: marketplace header 云市场控制台 → ${LABEL.purchased}`);
        await clickTo(link(page.getByRole('banner'), '云市场控制台'), page.getByRole('heading', { name: LABEL.purchased, exact: true }));
        if (i === 2) {
          // A browser that never signed in to the console (or whose session ended) still goes straight in.
          await context.clearCookies({ domain: new URL(sandbox.consoleOrigin).hostname });
        }
        await ssoFromServices(ctx);
        step(ctx, `again #${i} (${how}): ${LABEL.sso} goes straight into the console, no 登录`);
        await visible(page.getByRole('heading', { name: '项目', exact: true }));
        await visible(page.getByRole('banner').getByText(ADMIN.name, { exact: true }));
        if (await field(page, '企业邮箱').count()) throw new Error('the console asks to sign in again');
        if (i === 2) await screenshot(ctx, '13-console-projects');
        await toMarketplaceBill(ctx, ADMIN);
      }
    },
  },
  {
    // The seed's 准备工作 a: a Zilliz Cloud user finds the way to the marketplace on 账单概览. Signed in
    // to the console already, 免登 skips 登录 and opens step 2 (the console's cookie rides along on
    // the cross-site redirect from the marketplace).
    name: SIGNED_IN_FIRST,
    async run(ctx) {
      const { page, sandbox } = ctx;
      step(ctx, `open the vendor console ${sandbox.consoleUrl} (signed out: 登录)`);
      await page.goto(sandbox.consoleUrl);
      await visible(field(page, '企业邮箱'));
      step(ctx, `console: sign in as ${ADMIN.email}`);
      await field(page, '企业邮箱').fill(ADMIN.email);
      await field(page, '密码').fill(ADMIN.password);
      await clickTo(button(page, '登录'), page.getByRole('heading', { name: '项目', exact: true }));
      step(ctx, `console: ${LABEL.billing} → ${LABEL.overview}: ${LABEL.channel} not yet opened`);
      await clickTo(link(page.getByRole('banner'), LABEL.billing), link(page, LABEL.overview));
      const channel = page.locator('section').filter({ has: page.getByRole('heading', { name: LABEL.channel, exact: true }) });
      await visible(channel.getByText('尚未开通云市场扣费', { exact: false }));
      step(ctx, `${LABEL.channel}: click 前往阿里云云市场`);
      await clickTo(link(channel, '前往阿里云云市场'));
      await onOrigin(ctx, sandbox.marketplaceOrigin);
      await openService(ctx, BUYERS.one, { alreadyOnProductPage: true });
      await ssoFromServices(ctx);
      step(ctx, `${LABEL.sso} with a console session: straight to step 2 绑定组织, no 登录`);
      await visible(page.getByRole('heading', { name: LABEL.wizard, exact: true }));
      await sees(ctx, '2 绑定组织', { exact: true });
      if (await field(page, '企业邮箱').count()) throw new Error('the console asks to sign in again');
      await bindOrg(ctx, ADMIN.org);
      await toMarketplaceBill(ctx, ADMIN);
    },
  },
  {
    name: MEMBER_CREATES,
    async run(ctx) {
      const { page } = ctx;
      const org = 'Xiaoming Lab';
      await openService(ctx, BUYERS.two);
      await ssoFromServices(ctx);
      await atWizardLogin(ctx);
      await signInToConsole(ctx, MEMBER);
      step(ctx, `step 2: a member who administers nothing sees ${LABEL.bindConfirm} disabled`);
      await visible(orgRadio(page, ADMIN.org));
      await expectTrue(orgRadio(page, ADMIN.org).isDisabled(), `${ADMIN.org} can be chosen by a member`);
      await sees(ctx, '仅组织管理员可绑定', { exact: true });
      await expectTrue(button(page, LABEL.bindConfirm).isDisabled(), `${LABEL.bindConfirm} is enabled with no organisation to bind`);
      await sees(ctx, '没有可以绑定的组织', { exact: false });
      await screenshot(ctx, '10-wizard-2-nothing-to-bind');
      step(ctx, 'step 2: click 创建组织');
      await clickTo(link(page, '创建组织'), button(page, '创建组织'));
      step(ctx, `创建组织: ${org}`);
      await field(page, '组织名称').fill(org);
      await screenshot(ctx, '11-create-org');
      await clickTo(button(page, '创建组织'), page.getByText('2 绑定组织', { exact: true }));
      step(ctx, `step 2: ${org} is choosable, ${ADMIN.org} still is not`);
      await expectTrue(orgRadio(page, ADMIN.org).isDisabled(), `${ADMIN.org} became choosable`);
      await expectTrue(orgRadio(page, org).isEnabled(), `${org} cannot be chosen by its admin`);
      await bindOrg(ctx, org);
      await toMarketplaceBill(ctx, MEMBER);
    },
  },
  {
    // 包年包月: 标准版 bought for a month, then renewed for a year from 详情; 自动续费 on and off.
    name: SUBSCRIPTION,
    async run(ctx) {
      const { page } = ctx;
      await openService(ctx, BUYERS.one, { choose: chooseStandardMonth });
      step(ctx, `${LABEL.purchased}: ${PRODUCT} ${STANDARD.plan} ${LABEL.opened} with a ${LABEL.expires}`);
      const row = serviceRow(page);
      await visible(row.getByRole('cell', { name: STANDARD.plan, exact: true }));
      const expires = await cellUnder(page, row, LABEL.expires);
      expectDateTime(expires, `${LABEL.expires} in ${LABEL.purchased}`);

      step(ctx, `${LABEL.purchased}: click ${LABEL.detail}`);
      await clickTo(link(row, LABEL.detail), page.getByRole('heading', { name: LABEL.detail, exact: true }));
      await visible(detailValue(page, LABEL.expires).getByText(expires, { exact: true }));

      step(ctx, `${LABEL.detail}: click ${LABEL.renew}`);
      const renewal = page.getByRole('dialog', { name: LABEL.renew });
      await clickTo(link(page.getByRole('main'), LABEL.renew), renewal);
      await visible(renewal.getByText(`当前${LABEL.expires}：${expires}`, { exact: true }));
      step(ctx, `${LABEL.renew}: ${LABEL.renewTerm} ${STANDARD.year}, ${LABEL.quote}`);
      await choice(renewal, LABEL.renewTerm).selectOption({ label: `${STANDARD.year} ${STANDARD.yearPrice}` }, { timeout: ACTION_TIMEOUT });
      await clickTo(button(renewal, LABEL.quote), renewal.getByText(`应付金额：${STANDARD.yearPrice}`, { exact: true }));
      const newEnd = (await renewal.getByText(new RegExp(`^${LABEL.expires}：`)).innerText()).trim().replace(`${LABEL.expires}：`, '');
      expectDateTime(newEnd, `the new ${LABEL.expires}`);
      if (newEnd <= expires) throw new Error(`${LABEL.renew} ${STANDARD.year} ends ${newEnd}, not after ${expires}`);
      await screenshot(ctx, '16-renew');

      step(ctx, `${LABEL.renew}: click ${LABEL.renewConfirm}`);
      await clickTo(button(renewal, LABEL.renewConfirm), page.getByRole('heading', { name: LABEL.detail, exact: true }));
      step(ctx, `${LABEL.detail}: a ${LABEL.renew} order of ${STANDARD.yearPrice}, ${LABEL.expires} ${newEnd}`);
      const order = page
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: LABEL.renew, exact: true }) })
        .filter({ has: page.getByRole('cell', { name: STANDARD.yearPrice, exact: true }) });
      await visible(order.getByRole('cell', { name: STANDARD.year, exact: true }));
      await visible(detailValue(page, LABEL.expires).getByText(newEnd, { exact: true }));
      await screenshot(ctx, '17-service-detail');

      step(ctx, `${LABEL.detail}: ${LABEL.autoRenewal} on, ${LABEL.autoRenewalTerm} ${STANDARD.year}`);
      const auto = detailValue(page, LABEL.autoRenewal);
      await choice(auto, LABEL.autoRenewalTerm).selectOption({ label: STANDARD.year }, { timeout: ACTION_TIMEOUT });
      await clickTo(button(auto, LABEL.autoRenewalOn), button(auto, LABEL.autoRenewalOff));
      await visible(auto.getByText(`已开启，${LABEL.autoRenewalTerm} ${STANDARD.year}`, { exact: false }));
      step(ctx, `${LABEL.detail}: ${LABEL.autoRenewal} off`);
      await clickTo(button(auto, LABEL.autoRenewalOff), button(auto, LABEL.autoRenewalOn));
      await visible(choice(auto, LABEL.autoRenewalTerm));

      step(ctx, `${LABEL.detail}: 返回${LABEL.purchased}: ${LABEL.expires} ${newEnd}`);
      await clickTo(link(page, `返回${LABEL.purchased}`), page.getByRole('heading', { name: LABEL.purchased, exact: true }));
      const listed = await cellUnder(page, serviceRow(page), LABEL.expires);
      if (listed !== newEnd) throw new Error(`${LABEL.purchased} shows ${LABEL.expires} ${listed}, not ${newEnd}`);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Running

async function visibleText(page) {
  try {
    const text = await page.locator('body').innerText({ timeout: 2_000 });
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 600 ? `${flat.slice(0, 600)}…` : flat;
  } catch (e) {
    return `(no text: ${e.message.split('\n')[0]})`;
  }
}

async function runJourney(browser, journey, js) {
  const label = `${journey.name} (js ${js ? 'on' : 'off'})`;
  const started = Date.now();
  let sandbox;
  let context;
  const ctx = { js, journey: journey.name, step: 'start marketsim sandbox', screenshots: !inCi && js };
  // What a person would not see but must not happen: a script error, a server error.
  const problems = [];
  try {
    sandbox = await startSandbox(binary);
    ctx.sandbox = sandbox;
    step(ctx, 'open a browser context');
    context = await browser.newContext({
      javaScriptEnabled: js,
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    context.setDefaultTimeout(ACTION_TIMEOUT);
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT);
    ctx.context = context;
    ctx.page = await context.newPage();
    ctx.page.on('pageerror', (e) => problems.push(`script error on ${ctx.page.url()}: ${e.message}`));
    ctx.page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${r.request().method()} ${r.url()} answered ${r.status()}`);
    });
    await journey.run(ctx);
    step(ctx, 'journey done: no script errors, no server errors');
    if (problems.length) throw new Error(problems.join('\n'));
    console.log(`ok  ${label}  ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return true;
  } catch (error) {
    console.log(`FAIL ${label}  ${((Date.now() - started) / 1000).toFixed(1)}s`);
    console.log(`     step: ${ctx.step}`);
    console.log(`     error: ${String(error?.message ?? error).split('\n').slice(0, 6).join('\n            ')}`);
    if (ctx.page) {
      console.log(`     url: ${ctx.page.url()}`);
      console.log(`     page text: ${await visibleText(ctx.page)}`);
      try {
        mkdirSync(failureDir, { recursive: true });
        const file = join(failureDir, `${journey.name}-js-${js ? 'on' : 'off'}.png`);
        await ctx.page.screenshot({ path: file, timeout: 5_000 });
        console.log(`     screenshot: ${file}`);
      } catch {
        // the report above is what matters
      }
    }
    if (sandbox?.stderrTail()) console.log(`     sandbox stderr: ${sandbox.stderrTail().replace(/\n/g, '\n                     ')}`);
    return false;
  } finally {
    await context?.close().catch(() => {});
    await sandbox?.stop();
  }
}

async function main() {
  if (!existsSync(binary)) throw new Error(`no marketsim binary at ${binary}: run \`cargo build --release\` first`);
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium`);
  const journeys = JOURNEYS.filter((j) => !only || j.name.includes(only));
  if (journeys.length === 0) throw new Error(`no journey matches --only ${only}`);

  // chromium.launch gives every run a fresh, temporary user-data dir of its own.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-proxy-server',
    ],
  });
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  try {
    for (const js of jsModes) {
      for (const journey of journeys) {
        if (await runJourney(browser, journey, js)) passed += 1;
        else failed += 1;
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  const everyJourney = !only && jsModes.includes(true);
  if (!inCi && failed === 0 && everyJourney) {
    writeScreenshotIndex();
    console.log(`screenshots: ${shotsTaken.size} in ${screenshotDir}`);
  }
  console.log(`browser journeys took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`seed-journeys: ${error?.stack ?? error}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
