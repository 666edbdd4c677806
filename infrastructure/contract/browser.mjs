// Drives Swagger UI at /docs and a browser app's refresh-cookie flow in a real Chromium, and prints
// what it saw as one JSON line; BrowserTest (JUnit) starts the servers and asserts on that line.
// Usage: node browser.mjs <api base> <page on an allowed origin> <page on a disallowed origin>
import { chromium } from "playwright-core";

const [api, allowedPage, deniedPage] = process.argv.slice(2);
const email = `browser-${Date.now()}@example.com`;
const password = "correct horse battery";
const seen = {};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(`${api}/docs`);

  // Swagger UI: sign up, log in, authorize with the access token, call GET /api/v1/auth/me.
  // Swagger UI shows the status; the body is read off the network, as the UI received it.
  async function tryIt(operationId, path, body) {
    const op = page.locator(`#operations-auth-${operationId}`);
    await op.locator(".opblock-summary").click();
    await op.locator(".try-out__btn").click();
    if (body !== undefined) await op.locator("textarea.body-param__text").fill(JSON.stringify(body));
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() !== "OPTIONS");
    await op.locator(".execute").click();
    const response = await answered;
    const status = op.locator(".live-responses-table .response .response-col_status").first();
    await status.waitFor();
    return { status: Number((await status.innerText()).trim()), body: await response.text() };
  }
  seen.outboxLink = await page.locator("a[href='/docs/outbox']").count();
  const signup = await tryIt("signup", "/api/v1/auth/signup", { email, password, displayName: "Browser" });
  seen.signup = signup.status;
  const login = await tryIt("login", "/api/v1/auth/login", { email, password });
  seen.login = login.status;
  const token = JSON.parse(login.body).access_token;
  await page.locator(".auth-wrapper .authorize").click();
  await page.locator(".auth-container input").first().fill(token);
  await page.locator(".auth-btn-wrapper .authorize").first().click();
  await page.locator(".auth-btn-wrapper .btn-done").first().click();
  const me = await tryIt("getMe", "/api/v1/auth/me");
  seen.me = me.status;
  seen.meEmail = JSON.parse(me.body).email === email;

  // A browser app on an allowed origin: login in cookie mode, then refresh from the cookie.
  const app = await browser.newPage();
  await app.goto(allowedPage);
  const flow = await app.evaluate(async ({ api, email, password }) => {
    const login = await fetch(`${api}/api/v1/auth/login`, {
      method: "POST", credentials: "include", headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, refreshTokenDelivery: "cookie" }),
    });
    const tokens = await login.json();
    const refresh = await fetch(`${api}/api/v1/auth/refresh`, {
      method: "POST", credentials: "include",
      headers: { "content-type": "application/json", "x-devskyy-csrf": "1" }, body: "{}",
    });
    const refreshed = await refresh.json();
    return {
      login: login.status, loginHasRefreshToken: "refresh_token" in tokens,
      refresh: refresh.status, refreshHasAccessToken: typeof refreshed.access_token === "string",
      cookieReadable: document.cookie.includes("devskyy_refresh"),
    };
  }, { api, email, password });
  Object.assign(seen, { cookieMode: flow });

  // The same browser (so the same cookie) on a disallowed origin: refreshing must be refused.
  const foreign = await browser.newPage();
  await foreign.goto(deniedPage);
  const denied = await foreign.evaluate(async ({ api }) => {
    const outcome = async (init) => {
      try { return (await fetch(`${api}/api/v1/auth/refresh`, { method: "POST", credentials: "include", ...init })).status; }
      catch { return "blocked"; }
    };
    return {
      withHeader: await outcome({ headers: { "content-type": "application/json", "x-devskyy-csrf": "1" }, body: "{}" }),
      simple: await outcome({}),
    };
  }, { api });
  Object.assign(seen, { denied });
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
