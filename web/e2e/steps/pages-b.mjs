// Shared by the steps 10-overview, 40-shadows and 50-rules (not a step
// itself: its name has no number).

// go shows a console route (#/shadows/NAME …) in the page.
export async function go(page, hash) {
  await page.evaluate((h) => {
    location.hash = h
  }, hash)
}

// api calls hob through the console's signing proxy with the page's
// session cookie and CSRF token, as the front-end does; path starts with
// /console/api/iot/ or /console/api/iotdata/. It answers {status, body}
// and throws on an error status unless ok is false.
export async function api(page, method, path, body, { ok = true } = {}) {
  const url = (p) => new URL(p, page.url()).href
  const session = await (await page.request.get(url('/console/session'))).json()
  const headers = { Accept: 'application/json', 'X-Hob-CSRF': session.csrfToken }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await page.request.fetch(url(path), {
    method,
    headers,
    data: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // Not JSON: keep the text.
  }
  if (ok && !res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${text}`)
  return { status: res.status(), body: parsed }
}

// text answers a locator's text, trimmed ('' when it is not there).
export async function text(locator) {
  return ((await locator.textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim()
}
