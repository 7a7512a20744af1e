// The dashboard end to end, in Chromium, against a running stack with the provider simulator
// (scripts/dashboard-e2e.sh starts one): log in, upload a CSV and read the report, write an
// agent in the editor (a bad template refused next to its field), preview it, chat with it in
// a trial (a tool call, a trial meeting booked and released), save a second version and read
// the diff, start an A/B campaign with it, watch a call's transcript stream in, see a meeting
// booked and the KPI tiles move, read the campaign's results per agent version and export its
// calls. Screenshots of every page go to $SCREENSHOT_DIR.
//
//   DASHBOARD_URL=http://127.0.0.1:8080 CALLWRIGHT_API_KEY=cwk_... node e2e/dashboard.e2e.mjs
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
// `plan` is no column of the product's: it is kept as each lead's field.
const csv = [
  "name,phone,email,company,plan",
  `Emily Carter,+14152${stamp}00,emily@${domain},Acme,Pro`,
  `נועה כהן,+972527${stamp}01,noa@${domain},חברה,Basic`,
  `Jacob Miller,+14152${stamp}02,jacob@${domain},,`,
  `ليلى حداد,+971501${stamp}00,layla@${domain},,Pro`,
  "Nobody,12,,,",
  `Emily Again,+14152${stamp}00,,,`,
].join("\n");
const AGENT = `Solar ${stamp}`;
const csvPath = join(SHOTS, "..", "leads.csv");
writeFileSync(csvPath, csv + "\n");

const { page, close } = await launch();
page.setDefaultTimeout(20_000);
const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const kpi = async (name) => (await page.locator(`[data-kpi="${name}"] .tile-value`).innerText()).trim();
const consoleErrors = [];
// 401: the revoked key of the last step; 422: the agent refused on purpose (Chromium logs the
// status of every failed request).
page.on("console", (m) => m.type() === "error" && !/401|Unauthorized|status of 422/.test(m.text()) && consoleErrors.push(m.text()));
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
  await report.getByTestId("field-columns").filter({ hasText: "plan" }).waitFor();
  await page.getByRole("progressbar").filter({ hasText: "Imported" }).waitFor();
  await page.getByRole("link", { name: "נועה כהן" }).first().waitFor();
  await shot("leads");
});

step("an agent is written in the editor; a bad template is refused next to its field", async () => {
  await page.getByRole("link", { name: "Agents" }).click();
  await page.getByRole("link", { name: "New agent" }).click();
  await page.getByLabel("Name", { exact: true }).fill(AGENT);
  await page.getByLabel("Business name").fill("Acme Solar");
  await page.getByLabel("Goal").fill("a 30-minute review of your energy bills with one of our advisers");
  await page.getByLabel("Instructions").fill("You call {{ lead.nmae }} about solar panels for their home.");
  await page.getByLabel("Greeting (English)").fill("I'm calling about your energy bills. Do you have a moment?");
  await page.getByLabel("Meeting title (English)").fill("Energy review with {{ lead.name }}");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator('[data-error-for="instructions"]').filter({ hasText: "lead.nmae" }).waitFor();
  if ((await page.getByLabel("Instructions").getAttribute("aria-invalid")) !== "true") throw new Error("the instructions are not marked invalid");
  await shot("agent-refused");
  await page
    .getByLabel("Instructions")
    .fill(
      'You call {{ lead.first_name }} about solar panels. They are on the {{ lead.fields.plan | default("standard") }} plan.\nBe brief and friendly; offer a short meeting with an adviser.',
    );
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Saved as version 1." }).waitFor();
  await page.getByRole("heading", { name: AGENT }).waitFor();
});

step("the preview renders the opening line and the prompt for a lead", async () => {
  await page.getByLabel("Preview lead").fill("Emily Carter");
  await page.getByRole("option", { name: /Emily Carter/ }).first().click();
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  const greeting = page.getByTestId("preview-greeting");
  await greeting.filter({ hasText: "Acme Solar" }).waitFor();
  if (!(await greeting.innerText()).includes("Emily")) throw new Error(`greeting: ${await greeting.innerText()}`);
  await page.getByText("System prompt").click();
  await page.locator("pre.prompt").filter({ hasText: "Pro plan" }).waitFor();
  await shot("agent-editor");
});

step("a trial chat books a meeting through the agent's tools and releases it when it ends", async () => {
  await page.getByRole("tab", { name: "Try it" }).click();
  await page.getByLabel("Caller name").fill("Dana Levi");
  await page.getByLabel("Caller email").fill(`dana@${domain}`);
  await page.getByRole("button", { name: "Start trial" }).click();
  const trial = page.getByTestId("trial");
  const agentLines = trial.locator(".turn.agent");
  await agentLines.first().filter({ hasText: "Acme Solar" }).waitFor({ timeout: 30_000 });
  const say = async (text) => {
    const before = await agentLines.count();
    await page.getByLabel("Your message").fill(text);
    await page.getByLabel("Your message").press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="trial"] .turn.agent').length > n, before, { timeout: 60_000 });
  };
  await say("Could we do Thursday at 3 pm?");
  await trial.locator(".tool").first().waitFor();
  await say("The first one, please.");
  await trial.getByTestId("trial-meetings").filter({ hasText: "Trial" }).waitFor({ timeout: 30_000 });
  await trial.locator(".tool summary").first().click();
  await shot("agent-trial");
  const end = page.getByRole("button", { name: "End trial" });
  if (await end.isVisible()) await end.click();
  await trial.getByTestId("trial-meetings").filter({ hasText: "Released" }).waitFor({ timeout: 60_000 });
  await shot("agent-trial-ended");
});

step("a second version asks a question; the versions tab shows what changed", async () => {
  await page.getByRole("tab", { name: "Edit" }).click();
  await page.getByRole("button", { name: "Add a question" }).click();
  await page.getByLabel("Answer key").fill("plan");
  await page.getByLabel("Answer type").selectOption("one_of");
  await page.getByLabel("Question", { exact: true }).fill("Which plan are you on today: basic, pro or enterprise?");
  await page.getByLabel("Option 1", { exact: true }).fill("basic");
  await page.getByLabel("Option 2", { exact: true }).fill("pro");
  await page.getByRole("button", { name: "Add an option" }).click();
  await page.getByLabel("Option 3", { exact: true }).fill("enterprise");
  await page.getByRole("button", { name: "Save as version 2" }).click();
  await page.getByRole("status").filter({ hasText: "Saved as version 2." }).waitFor();
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByTestId("version-diff").locator(".diff-add", { hasText: "Which plan are you on today" }).waitFor();
  await shot("agent-versions");
  await page.getByRole("link", { name: "Agents" }).click();
  await page.getByRole("link", { name: AGENT }).waitFor();
  await shot("agents");
});

step("search filters the list; a campaign starts over the selection", async () => {
  await page.getByRole("link", { name: "Leads" }).click();
  await page.getByLabel("Search leads").fill(domain);
  await page.waitForFunction(() => document.querySelectorAll("tbody tr").length === 4);
  await page.getByLabel("Select all shown").check();
  await page.getByRole("button", { name: "New campaign with 4 selected" }).click();
  await page.getByTestId("lead-count").filter({ hasText: "4" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill(`E2E ${stamp}`);
  // The agent's two versions, half the leads each.
  await page.getByLabel("Agent", { exact: true }).selectOption({ label: `${AGENT} (v2)` });
  await page.getByLabel("An A/B split").check();
  await page.getByLabel("Variant 2 weight").waitFor();
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

step("the campaign shows its results per agent version and exports its calls", async () => {
  await page.getByRole("link", { name: `E2E ${stamp}` }).click();
  const results = page.getByTestId("agent-results");
  await results.locator("tbody tr[data-version]").first().waitFor({ timeout: 60_000 });
  await results.getByTestId("verdict").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export calls (CSV)" }).click()]);
  const csvOut = readFileSync(await download.path(), "utf8");
  if (!csvOut.startsWith("call_id,lead_id,lead_name")) throw new Error(`export: ${csvOut.slice(0, 80)}`);
  if (csvOut.trim().split("\n").length < 2) throw new Error("export: no calls");
  await shot("campaign-agents");
});

step("the lead page has attempts, the transcript and the meeting", async () => {
  await page.getByRole("link", { name: "Leads" }).click();
  await page.getByRole("link", { name: "Emily Carter" }).first().click();
  await page.getByTestId("lead-fields").filter({ hasText: "Pro" }).waitFor();
  await page.locator(".attempt summary .agent-version").first().waitFor({ timeout: 60_000 });
  await page.locator(".attempt summary b").first().click();
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
