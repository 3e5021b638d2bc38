// The console's browser walk-through: Playwright (playwright-core) drives
// Debian's Chromium against a running hob, one step file after another
// (web/e2e/steps/NN-name.mjs, in name order), and saves a screenshot of
// every page. internal/app/console_browser_test.go starts hob, builds elf
// and runs this script; see docs/console.md ("Browser tests").
//
// Environment:
//   HOB_URL                https://127.0.0.1:PORT (hob's HTTPS listener)
//   HOB_ACCESS_KEY_ID      an access key to sign in with (the admin key)
//   HOB_SECRET_ACCESS_KEY
//   SCREENSHOT_DIR         where shot(name) writes NAME.png (created if missing)
//   ELF_BIN                the elf binary (ctx.elf); optional for steps without elf
//   ELF_STATE_DIR          elf's folder (holds misc/), shared by every step
//   ELF_ENV_JSON           {"VAR": "value", ...} added to elf's environment
//                          (AWS_* endpoint, keys and CA, ELF_MQTT_ENDPOINT)
//   CHROMIUM               the browser (default /usr/bin/chromium)
//   STEPS                  optional regular expression: run only the steps
//                          whose file name matches (00-signin always runs)
//   STEP_TIMEOUT_MS        the most one step may take (default 180000)
//   STEPS_DIR              the step files' folder (default web/e2e/steps)
//
// Each step is `export default async function (ctx)` and throws to fail.
// ctx holds:
//   page          the Playwright Page, signed in (except in 00-signin)
//   context       its BrowserContext (cookies)
//   env           the environment above, as an object
//   shot(name)    screenshot of the page as SCREENSHOT_DIR/NAME.png
//   elf(...args)  runs elf against hob to the end: {stdout, stderr, code};
//                 a last argument {timeoutMs} changes the 2-minute limit
//   elfStart(...args)  starts elf in the background (e.g. `shadow watch`):
//                 {output(), stdout(), stderr(), exited, stop()}; stopped
//                 at the end of the step if the step did not stop it
//   elfReady()    runs `elf create` once per run and returns elf's thing
//                 name ('thing_0'); steps share it (elf's thing names are
//                 fixed, so two `elf create`s in one hob would collide)
//   poll(what, fn, timeoutMs = 30000)  calls fn until it returns a truthy
//                 value (then returns it) or the time is up (then throws,
//                 naming what it waited for and fn's last answer or error)
//   log(msg)      prints msg under the step's name
//   uniq(prefix)  a name unique in this run: PREFIX-1, PREFIX-2, ...
//
// Wait with Playwright's auto-waiting locators (locator.waitFor, click,
// fill; their default timeout here is 30 s) or poll(), never with fixed
// sleeps.
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
// A step that failed by timing out may still be running; its later errors
// must not end the run.
process.on('unhandledRejection', (e) => console.log(`walkthrough: (late error: ${e instanceof Error ? e.message.split('\n')[0] : e})`))
const env = { ...process.env }
const stepTimeoutMs = Number(env.STEP_TIMEOUT_MS || 180_000)

function need(name) {
  if (!env[name]) {
    console.error(`walkthrough: ${name} is not set (see the top of web/e2e/walkthrough.mjs)`)
    process.exit(2)
  }
  return env[name]
}

const hobURL = need('HOB_URL').replace(/\/+$/, '')
need('HOB_ACCESS_KEY_ID')
need('HOB_SECRET_ACCESS_KEY')
const shotDir = need('SCREENSHOT_DIR')
mkdirSync(shotDir, { recursive: true })
let elfEnv = {}
try {
  elfEnv = env.ELF_ENV_JSON ? JSON.parse(env.ELF_ENV_JSON) : {}
} catch (e) {
  console.error(`walkthrough: ELF_ENV_JSON is not a JSON object: ${e.message}`)
  process.exit(2)
}

// Only loopback and hob's own host may be asked for anything: the console
// must work offline, so any other request is a failure of the run.
const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]', new URL(hobURL).hostname])
const external = []
function checkURL(url, what) {
  let u
  try {
    u = new URL(url)
  } catch {
    return
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return // data:, blob:, about:
  if (!localHosts.has(u.hostname)) external.push(`${what} ${url}`)
}

function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`
}

// ---- elf ----------------------------------------------------------------

const elfChildren = new Set()

function elfCommand(args) {
  const bin = env.ELF_BIN
  if (!bin) throw new Error('ELF_BIN is not set: this step needs elf')
  const childEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) childEnv[k] = v
  Object.assign(childEnv, elfEnv)
  const child = spawn(bin, args, {
    cwd: env.ELF_STATE_DIR || process.cwd(),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  elfChildren.add(child)
  const exited = new Promise((resolve) => {
    child.on('error', (err) => {
      stderr += `\n(starting elf: ${err.message})`
      elfChildren.delete(child)
      resolve({ code: -1, stdout, stderr })
    })
    child.on('close', (code, signal) => {
      elfChildren.delete(child)
      resolve({ code: code ?? (signal ? 128 : -1), signal, stdout, stderr })
    })
  })
  return { child, exited, stdout: () => stdout, stderr: () => stderr }
}

function splitOptions(args) {
  const last = args[args.length - 1]
  if (last && typeof last === 'object') return [args.slice(0, -1), last]
  return [args, {}]
}

async function runElf(log, ...all) {
  const [args, opts] = splitOptions(all)
  const timeoutMs = opts.timeoutMs ?? 120_000
  const run = elfCommand(args.map(String))
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs)
  const res = await run.exited
  clearTimeout(timer)
  log(`elf ${args.join(' ')}: exit ${res.code}`)
  if (res.code !== 0) log(`  stdout: ${res.stdout.trim()}\n  stderr: ${res.stderr.trim()}`)
  return { stdout: res.stdout, stderr: res.stderr, code: res.code }
}

function startElf(log, started, ...args) {
  const run = elfCommand(args.map(String))
  log(`elf ${args.join(' ')}: started`)
  const handle = {
    output: () => run.stdout() + run.stderr(),
    stdout: run.stdout,
    stderr: run.stderr,
    exited: run.exited,
    // stop interrupts elf (it then prints its summary) and waits for it,
    // killing it if it has not ended within 10 s.
    async stop() {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT')
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 10_000)
      const res = await run.exited
      clearTimeout(timer)
      return res
    },
  }
  started.push(handle)
  return handle
}

// ---- the run ------------------------------------------------------------

async function poll(what, fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  let last = 'nothing yet'
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    try {
      const v = await fn()
      if (v) return v
      last = `answered ${JSON.stringify(v)}`
    } catch (e) {
      last = `threw ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${secs(timeoutMs)} waiting for ${what} (last: ${last})`)
    await new Promise((r) => setTimeout(r, wait))
  }
}

const counters = new Map()
function uniq(prefix) {
  const n = (counters.get(prefix) ?? 0) + 1
  counters.set(prefix, n)
  return `${prefix}-${n}`
}

const shots = new Set()

let elfThing = null
function elfReady(log) {
  elfThing ??= runElf(log, 'create').then((r) => {
    if (r.code !== 0) {
      elfThing = null
      throw new Error(`elf create: exit ${r.code}: ${r.stderr.trim()}`)
    }
    return 'thing_0'
  })
  return elfThing
}

const chromiumPath = env.CHROMIUM || '/usr/bin/chromium'
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  timeout: 60_000,
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-dev-shm-usage',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
  ],
})
const context = await browser.newContext({
  ignoreHTTPSErrors: true, // hob's CA is private and everything is on loopback
  viewport: { width: 1366, height: 768 },
  locale: 'en-GB',
  timezoneId: 'UTC',
  colorScheme: 'light',
  reducedMotion: 'reduce',
  serviceWorkers: 'block',
})
context.on('request', (r) => checkURL(r.url(), r.method()))

// Per page: uncaught errors fail the step that was running; console errors
// and warnings are printed when a step fails.
let pageErrors = []
let consoleLines = []
function watch(page) {
  // Generous: CI machines are small and busy.
  page.setDefaultTimeout(30_000)
  page.setDefaultNavigationTimeout(45_000)
  page.on('pageerror', (err) => pageErrors.push(err.stack || err.message))
  page.on('crash', () => pageErrors.push('the page crashed'))
  page.on('websocket', (ws) => checkURL(ws.url(), 'WebSocket'))
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return
    const where = m.location()?.url
    consoleLines.push(`${m.type()}: ${m.text()}${where ? ` (${where})` : ''}`)
  })
  return page
}
let page = watch(await context.newPage())

const filter = env.STEPS ? new RegExp(env.STEPS) : null
const stepsDir = env.STEPS_DIR || join(here, 'steps')
const stepFiles = readdirSync(stepsDir)
  .filter((f) => /^\d\d-[a-z0-9-]+\.mjs$/.test(f))
  .sort()
  .filter((f) => f.startsWith('00-') || !filter || filter.test(f))

const results = []
const started = Date.now()
for (const file of stepFiles) {
  const name = file.replace(/\.mjs$/, '')
  pageErrors = []
  consoleLines = []
  const externalBefore = external.length
  const log = (msg) => console.log(`  [${name}] ${msg}`)
  const background = []
  const ctx = {
    page,
    context,
    env,
    log,
    uniq,
    poll,
    elf: (...args) => runElf(log, ...args),
    elfStart: (...args) => startElf(log, background, ...args),
    elfReady: () => elfReady(log),
    async shot(shotName, opts = {}) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(shotName)) throw new Error(`screenshot name ${JSON.stringify(shotName)}: use a-z, 0-9 and -`)
      if (shots.has(shotName)) throw new Error(`screenshot ${shotName} was already taken in this run`)
      shots.add(shotName)
      await page.evaluate(() => document.fonts.ready.then(() => true))
      await page.screenshot({ path: join(shotDir, `${shotName}.png`), animations: 'disabled', caret: 'hide', ...opts })
      log(`screenshot ${shotName}.png`)
    },
  }
  console.log(`walkthrough: ${name} ...`)
  const t0 = Date.now()
  let failure = null
  let timer
  try {
    const mod = await import(pathToFileURL(join(stepsDir, file)).href)
    if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`)
    await Promise.race([
      mod.default(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the step took longer than ${secs(stepTimeoutMs)}`)), stepTimeoutMs)
      }),
    ])
    if (pageErrors.length) throw new Error(`uncaught error in the page:\n${pageErrors.join('\n')}`)
    if (external.length > externalBefore) throw new Error(`requests outside loopback:\n${external.slice(externalBefore).join('\n')}`)
  } catch (e) {
    failure = e
  } finally {
    clearTimeout(timer)
  }
  for (const b of background) await b.stop()
  const took = secs(Date.now() - t0)
  if (!failure) {
    console.log(`walkthrough: ${name} ok (${took})`)
    results.push({ name, ok: true })
    continue
  }
  results.push({ name, ok: false })
  console.log(`walkthrough: ${name} FAILED (${took}) at ${page.url()}`)
  console.log(`  ${(failure instanceof Error ? failure.stack || failure.message : String(failure)).replace(/\n/g, '\n  ')}`)
  if (pageErrors.length && !String(failure?.message).startsWith('uncaught error in the page')) {
    console.log(`  uncaught page errors:\n    ${pageErrors.join('\n    ')}`)
  }
  if (consoleLines.length) console.log(`  browser console:\n    ${consoleLines.join('\n    ')}`)
  try {
    await page.screenshot({ path: join(shotDir, `failure-${name}.png`), timeout: 10_000 })
    console.log(`  screenshot ${join(shotDir, `failure-${name}.png`)}`)
  } catch (e) {
    console.log(`  (no failure screenshot: ${e.message.split('\n')[0]})`)
  }
  if (name.startsWith('00-')) break // nothing else can run signed out
  // A failed step may still be running (a timeout) or have left the page
  // anywhere: the next step gets a fresh page, signed in by the cookie.
  await page.close().catch(() => {})
  page = watch(await context.newPage())
  try {
    await page.goto(`${hobURL}/#/overview`)
    await page.locator('#nav').waitFor({ state: 'visible' })
  } catch (e) {
    console.log(`walkthrough: after ${name}, the console does not come back signed in: ${e.message.split('\n')[0]}`)
    break
  }
}

for (const child of elfChildren) child.kill('SIGKILL')
await context.close().catch(() => {})
await browser.close().catch(() => {})

const failed = results.filter((r) => !r.ok).map((r) => r.name)
const skipped = stepFiles.length - results.length
console.log(
  `walkthrough: ${results.length - failed.length} of ${stepFiles.length} steps passed in ${secs(Date.now() - started)}` +
    (failed.length ? `; failed: ${failed.join(', ')}` : '') +
    (skipped ? `; ${skipped} not run` : '') +
    `; screenshots in ${shotDir}`,
)
if (external.length) console.log(`walkthrough: requests outside loopback:\n  ${external.join('\n  ')}`)
process.exit(failed.length || skipped || external.length ? 1 : 0)
