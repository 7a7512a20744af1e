// The dashboard end to end, in Chromium, against a running stack with the provider simulator
// (scripts/dashboard-e2e.sh starts one): log in, upload a CSV and read the report, start a
// campaign, watch a call's transcript stream in, see a meeting booked and the KPI tiles move.
// Screenshots of every page go to $SCREENSHOT_DIR.
//
//   DASHBOARD_URL=http://127.0.0.1:8080 CALLWRIGHT_API_KEY=cwk_... node e2e/dashboard.e2e.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch } from "./browser.mjs";

const URL = process.env.DASHBOARD_URL ?? "http://127.0.0.1:8080";
const KEY = process.env.CALLWRIGHT_API_KEY;
const SHOTS = process.env.SCREENSHOT_DIR ?? ".run/dashboard-e2e/screenshots";
if (!KEY) throw new Error("CALLWRIGHT_API_KEY is not set");
mkdirSync(SHOTS, { recursive: true });

let passed = 0;
let failed = 0;
const steps = [];
function step(name, fn) {
  steps.push([name, fn]);
}

// Personas by the number's last two digits (sim/src/personas.rs): 00 and 01 book a meeting,
// 02 declines. Hebrew and Arabic names check right-to-left text. One bad row, one repeat.
const stamp = String(Math.floor(Date.now() / 1000)).slice(-4);
const domain = `e2e${Date.now().toString(36)}.example`;
const csv = [
  "name,phone,email,company",
  `Emily Carter,+14152${stamp}00,emily@${domain},Acme`,
  `נועה כהן,+972527${stamp}01,noa@${domain},חברה`,
  `Jacob Miller,+14152${stamp}02,jacob@${domain},`,
  `ليلى حداد,+971501${stamp}00,layla@${domain},`,
  "Nobody,12,,",
  `Emily Again,+14152${stamp}00,,`,
].join("\n");
const csvPath = join(SHOTS, "..", "leads.csv");
writeFileSync(csvPath, csv + "\n");

const { page, close } = await launch();
page.setDefaultTimeout(20_000);
const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const kpi = async (name) => (await page.locator(`[data-kpi="${name}"] .tile-value`).innerText()).trim();
const consoleErrors = [];
page.on("console", (m) => m.type() === "error" && !/401|Unauthorized/.test(m.text()) && consoleErrors.push(m.text()));
page.on("pageerror", (e) => consoleErrors.push(String(e)));

let meetingsBefore;
let dialsBefore;

step("a wrong key is refused; the right one signs in", async () => {
  await page.goto(URL);
  await page.getByLabel("API key").fill("cwk_not_a_key");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
  await shot("login");
  await page.getByLabel("API key").fill(KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('[data-kpi="Meetings booked"]').waitFor();
  meetingsBefore = Number(await kpi("Meetings booked"));
  dialsBefore = Number(await kpi("Dials today"));
});

step("a CSV upload shows its progress and the import report", async () => {
  await page.getByRole("link", { name: "Leads" }).click();
  await page.getByLabel("CSV file").setInputFiles(csvPath);
  await page.getByRole("button", { name: "Upload" }).click();
  const report = page.getByTestId("import-report");
  await report.waitFor();
  const tile = async (n) => (await report.locator(".tile", { hasText: n }).locator(".tile-value").innerText()).trim();
  const got = { accepted: await tile("Accepted"), rejected: await tile("Rejected"), duplicates: await tile("Duplicates") };
  if (got.accepted !== "4" || got.rejected !== "1" || got.duplicates !== "1") throw new Error(`report ${JSON.stringify(got)}`);
  await report.getByText("Line 6").waitFor();
  await page.getByRole("progressbar").filter({ hasText: "Imported" }).waitFor();
  await page.getByRole("link", { name: "נועה כהן" }).first().waitFor();
  await shot("leads");
});

step("search filters the list; a campaign starts over the selection", async () => {
  await page.getByLabel("Search leads").fill(domain);
  await page.waitForFunction(() => document.querySelectorAll("tbody tr").length === 4);
  await page.getByLabel("Select all shown").check();
  await page.getByRole("button", { name: "New campaign with 4 selected" }).click();
  await page.getByTestId("lead-count").filter({ hasText: "4" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill(`E2E ${stamp}`);
  // Any hour of any day: the test must not depend on the leads' local time.
  await page.getByLabel("Window opens").fill("00:00");
  await page.getByLabel("Window closes").fill("00:00");
  await page.getByLabel("Calls at once").fill("4");
  await shot("campaign-new");
  await page.getByRole("button", { name: "Start campaign" }).click();
  await page.getByRole("heading", { name: `E2E ${stamp}` }).waitFor();
  await page.getByTestId("campaign-status").filter({ hasText: /Running|Completed/ }).waitFor();
  await shot("campaign");
});

step("a call's transcript streams in live, turn by turn", async () => {
  await page.getByRole("link", { name: "Live calls" }).click();
  const turns = page.locator(".live-detail .transcript .turn");
  await turns.first().waitFor({ timeout: 60_000 });
  const first = await turns.count();
  // More turns arrive while we watch (the call goes on).
  await page.waitForFunction((n) => document.querySelectorAll(".live-detail .transcript .turn").length > n, first, { timeout: 60_000 });
  await page.locator(".live-detail h2 a").waitFor();
  await shot("live");
});

step("a meeting is booked and shows on the meetings page", async () => {
  await page.getByRole("link", { name: "Meetings" }).click();
  await page.locator("tr[data-meeting]").first().waitFor({ timeout: 120_000 });
  await shot("meetings");
});

step("the KPI tiles moved", async () => {
  await page.getByRole("link", { name: "Overview" }).click();
  await page.waitForFunction(
    ([m, d]) => {
      const v = (k) => Number(document.querySelector(`[data-kpi="${k}"] .tile-value`)?.textContent);
      return v("Meetings booked") > m && v("Dials today") > d;
    },
    [meetingsBefore, dialsBefore],
    { timeout: 60_000 },
  );
  await shot("overview");
});

step("the campaigns list shows the campaign's progress", async () => {
  await page.getByRole("link", { name: "Campaigns" }).click();
  await page.getByRole("link", { name: `E2E ${stamp}` }).waitFor();
  await shot("campaigns");
});

step("the lead page has attempts, the transcript and the meeting", async () => {
  await page.getByRole("link", { name: "Leads" }).click();
  await page.getByRole("link", { name: "Emily Carter" }).first().click();
  await page.locator(".attempt summary").first().click();
  await page.locator(".attempt .transcript .turn").first().waitFor();
  await page.locator("tr[data-meeting]").first().waitFor({ timeout: 60_000 });
  await shot("lead");
});

step("an invalid key in the session sends the user back to the login", async () => {
  await page.evaluate(() => sessionStorage.setItem("callwright.apiKey", "cwk_revoked"));
  await page.reload();
  await page.getByLabel("API key").waitFor();
});

for (const [name, fn] of steps) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err instanceof Error ? err.message.split("\n")[0] : err}`);
    await shot(`failed-${passed + failed}`).catch(() => undefined);
    break;
  }
}
if (consoleErrors.length) {
  failed++;
  console.log(`FAIL the page logged errors:\n  ${consoleErrors.join("\n  ")}`);
}
await close();
console.log(`screenshots in ${SHOTS}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
