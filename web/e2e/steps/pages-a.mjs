// Shared by the steps 20-things, 25-certificates and 30-policies (not a
// step itself: its name has no number). Each step leaves what the next
// one needs in `made`; a step run alone (STEPS=25) makes it itself.
import { readFile } from 'node:fs/promises'

export const made = {
  thing: '', // a thing with attribute colour
  cert: null, // { id, arn } of an ACTIVE certificate attached to the thing
}

// go shows a console route (#/things/NAME …) in the page.
export async function go(page, hash) {
  await page.evaluate((h) => {
    location.hash = h
  }, hash)
}

// createThing creates a thing with one attribute through the things page.
export async function createThing(page, name, attrName, attrValue) {
  await go(page, '#/things')
  const form = page.getByRole('form', { name: 'Create a thing' })
  await form.getByLabel('Thing name', { exact: true }).fill(name)
  await form.getByRole('button', { name: 'Add attribute' }).click()
  await form.getByLabel('Name of attribute 1', { exact: true }).fill(attrName)
  await form.getByLabel('Value of attribute 1', { exact: true }).fill(attrValue)
  await form.getByRole('button', { name: 'Create thing' }).click()
  await page.getByRole('status').filter({ hasText: `Created thing ${name}.` }).waitFor()
}

// createCertificate creates an active certificate on the certificates
// page, checks that the private key is offered once as a download, and
// answers { id, arn }.
export async function createCertificate(page, log) {
  await go(page, '#/certificates')
  const create = page.getByRole('button', { name: 'Create certificate' })
  if (!(await page.getByLabel('Activate it now').isChecked())) throw new Error('"Activate it now" is not checked by default')
  await create.click()
  const panel = page.getByRole('region', { name: /^New certificate/ })
  await panel.waitFor()
  const note = panel.getByRole('note')
  const noteText = await note.textContent()
  if (!/only time it is shown/.test(noteText) || !/cannot be shown again/.test(noteText)) {
    throw new Error(`the once-only note says: ${noteText}`)
  }
  const arn = (await panel.locator('p', { hasText: 'ARN:' }).locator('code').textContent()).trim()
  const id = arn.replace(/^.*:cert\//, '')
  if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`the new certificate's ARN is ${arn}`)

  const files = {}
  for (const [button, suffix, begins] of [
    ['Download certificate', 'certificate.pem.crt', '-----BEGIN CERTIFICATE-----'],
    ['Download private key', 'private.pem.key', '-----BEGIN'],
    ['Download public key', 'public.pem.key', '-----BEGIN PUBLIC KEY-----'],
  ]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: button, exact: true }).click()])
    const want = `${id}-${suffix}`
    if (dl.suggestedFilename() !== want) throw new Error(`${button} saves ${dl.suggestedFilename()}, want ${want}`)
    const body = await readFile(await dl.path(), 'utf8')
    if (!body.startsWith(begins)) throw new Error(`${want} begins ${JSON.stringify(body.slice(0, 40))}`)
    files[suffix] = body
  }
  if (!/PRIVATE KEY-----/.test(files['private.pem.key'])) throw new Error('the private key download holds no private key')
  log(`certificate ${id.slice(0, 12)}… created; certificate, public and private key downloaded`)
  return { id, arn, privateKey: files['private.pem.key'] }
}

// dismissSecrets closes the new-certificate panel and checks that the
// private key is gone from the page.
export async function dismissSecrets(page, privateKey) {
  await page.getByRole('button', { name: 'I have saved the files' }).click()
  await page.getByRole('region', { name: /^New certificate/ }).waitFor({ state: 'detached' })
  const body = privateKey.split('\n')[1]
  const still = await page.evaluate((b) => {
    if (document.documentElement.outerHTML.includes(b)) return true
    return [...document.querySelectorAll('textarea, input')].some((el) => el.value.includes(b))
  }, body)
  if (still) throw new Error('the private key is still in the page after "I have saved the files"')
}

// serverMessage waits for the response of the API call that f makes
// (method, and a URL matching re) and answers its status, message and
// body.
export async function serverMessage(page, method, re, f) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && re.test(r.url())),
    f(),
  ])
  const body = await res.json().catch(() => ({}))
  return { status: res.status(), message: body.message ?? '', body }
}
