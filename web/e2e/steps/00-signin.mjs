// Sign-in: a wrong secret shows the server's message next to the secret
// field and starts no session; the right key signs in, with the session in
// an HttpOnly cookie and the secret nowhere in the page or its storage.
export default async function signIn({ page, context, env, shot, poll, log }) {
  const url = env.HOB_URL.replace(/\/+$/, '')
  await page.goto(`${url}/`)
  const keyId = page.getByLabel('Access key id', { exact: true })
  const secret = page.getByLabel('Secret access key', { exact: true })
  const submit = page.getByRole('button', { name: 'Sign in' })
  await keyId.waitFor()

  // Wrong secret: the server's own message, next to the field.
  await keyId.fill(env.HOB_ACCESS_KEY_ID)
  await secret.fill(`${env.HOB_SECRET_ACCESS_KEY}-wrong`)
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${url}/console/session` && r.request().method() === 'POST'),
    submit.click(),
  ])
  if (answer.status() !== 401) throw new Error(`a wrong secret answered ${answer.status()}, want 401`)
  const { message } = await answer.json()
  if (!message) throw new Error('the 401 carries no message')
  const error = page.locator('#secret-access-key-error')
  await error.waitFor({ state: 'visible' })
  await poll(`the message "${message}" under the secret field`, async () => (await error.textContent()) === message)
  if ((await secret.getAttribute('aria-invalid')) !== 'true') throw new Error('the secret field is not marked aria-invalid')
  if (!(await secret.getAttribute('aria-describedby'))?.split(' ').includes('secret-access-key-error')) {
    throw new Error('the error is not tied to the secret field (aria-describedby)')
  }
  const cookies = await context.cookies(url)
  if (cookies.some((c) => c.name === 'hob_session')) throw new Error('a wrong secret set the hob_session cookie')
  const probe = await page.request.get(`${url}/console/session`, { headers: { Accept: 'application/json' } })
  if (probe.status() !== 401) throw new Error(`GET /console/session after a wrong secret: ${probe.status()}, want 401`)
  await shot('signin-error')
  log(`wrong secret refused: ${message}`)

  // The form, as a user sees it before signing in.
  await secret.fill('')
  await shot('signin')

  // The right key.
  await secret.fill(env.HOB_SECRET_ACCESS_KEY)
  await submit.click()
  await page.locator('#nav').waitFor({ state: 'visible' })
  await poll('the signed-in key in the header', async () =>
    (await page.locator('#who-name').textContent())?.includes(env.HOB_ACCESS_KEY_ID),
  )
  await poll('the overview route', async () => new URL(page.url()).hash === '#/overview')
  const session = (await context.cookies(url)).find((c) => c.name === 'hob_session')
  if (!session) throw new Error('no hob_session cookie after signing in')
  if (!session.httpOnly || !session.secure || session.sameSite !== 'Strict') {
    throw new Error(`hob_session is not HttpOnly, Secure, SameSite=Strict: ${JSON.stringify({ ...session, value: '…' })}`)
  }
  const leaks = await page.evaluate((s) => {
    const where = []
    if (document.documentElement.outerHTML.includes(s)) where.push('the document')
    for (const [name, store] of [['localStorage', localStorage], ['sessionStorage', sessionStorage]]) {
      for (let i = 0; i < store.length; i++) if (store.getItem(store.key(i))?.includes(s)) where.push(name)
    }
    for (const el of document.querySelectorAll('input, textarea')) if (el.value.includes(s)) where.push(`an input (${el.id || el.name})`)
    return where
  }, env.HOB_SECRET_ACCESS_KEY)
  if (leaks.length) throw new Error(`the secret is kept in ${leaks.join(', ')} after signing in`)
  log('signed in')
}
